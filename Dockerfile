# Multi-stage: build with the SDK, run on the ASP.NET runtime as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Set by BuildKit (amd64, arm64): the ReadyToRun code is compiled for the image's platform.
ARG TARGETARCH
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Consulting.Web/Consulting.Web.csproj Consulting.Web/
# The restore brings the ReadyToRun compiler for that platform too (the Release publish below uses it).
RUN dotnet restore Consulting.Web/Consulting.Web.csproj -a $TARGETARCH -p:PublishReadyToRun=true
COPY Consulting.Web/ Consulting.Web/
COPY migrations/ migrations/
COPY wwwroot/ wwwroot/
RUN dotnet publish Consulting.Web/Consulting.Web.csproj -c Release -a $TARGETARCH --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# The content root is /app wherever the process starts, so the default relative paths (the SQLite
# file data/consulting.db, the keys in data/keys, the mail folder data/mail) are on the volume.
# App__BaseUrl has no default outside Development: pass the site's public address (docker run -e).
ENV ASPNETCORE_HTTP_PORTS=8080
RUN mkdir -p /app/data && chown -R app:app /app/data
USER app
VOLUME ["/app/data"]
EXPOSE 8080
# 200 is Healthy or Degraded (mail waiting): the app serves either way; 503 means the database is gone.
# bash's /dev/tcp: no curl needed in the runtime image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'
# Switches go after the image name: --migrate-only (apply migrations, exit), --seed (demo data).
ENTRYPOINT ["dotnet", "Consulting.Web.dll"]
