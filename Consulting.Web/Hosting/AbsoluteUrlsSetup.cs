namespace Consulting.Web.Hosting;

public static class AbsoluteUrlsSetup
{
    public static WebApplicationBuilder AddAbsoluteUrls(this WebApplicationBuilder builder)
    {
        builder.AddSettings<AppOptions>(AppOptions.Section);
        builder.Services.AddSingleton<AbsoluteUrls>();
        return builder;
    }
}
