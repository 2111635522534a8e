namespace Consulting.Web.Hosting;

public static class CalendarSetup
{
    /// <summary>.ics invites and the specialists' private iCal feeds.</summary>
    public static WebApplicationBuilder AddCalendar(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapCalendarFeeds(this WebApplication app) => app;
}
