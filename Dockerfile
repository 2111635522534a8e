# Multi-stage: build with the SDK, run on the ASP.NET runtime as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Consulting.Web/Consulting.Web.csproj Consulting.Web/
RUN dotnet restore Consulting.Web/Consulting.Web.csproj
COPY Consulting.Web/ Consulting.Web/
COPY migrations/ migrations/
COPY wwwroot/ wwwroot/
RUN dotnet publish Consulting.Web/Consulting.Web.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# The SQLite file (data-protection keys included) and the email pickup folder live on the volume.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ConnectionStrings__Default="Data Source=/app/data/consulting.db" \
    App__DataDirectory=/app/data \
    Email__PickupDirectory=/app/data/mail
RUN mkdir -p /app/data && chown -R app:app /app/data
USER app
VOLUME ["/app/data"]
EXPOSE 8080
# bash's /dev/tcp: no curl needed in the runtime image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && grep -q Healthy <&3'
ENTRYPOINT ["dotnet", "Consulting.Web.dll"]
