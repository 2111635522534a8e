using Consulting.Web.Accounts;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Consulting.Tests.Support;

public sealed record TestSpecialist(Guid Id, string Email, HttpClient Client);

/// <summary>Fresh specialists for tests, created the one way the app creates them, then signed in over HTTP.</summary>
public static class SpecialistAccounts
{
    public const string Password = "specialist password 1";

    public static async Task<TestSpecialist> CreateSignedInAsync(this AppFactory app, string zone = "Europe/Madrid",
        Action<AvailabilitySchedule, NodaTime.Instant>? schedule = null)
    {
        var email = AccountPages.UniqueEmail("specialist");
        await using var scope = app.Services.CreateAsyncScope();
        var registration = scope.ServiceProvider.GetRequiredService<Registration>();
        var result = await registration.RegisterSpecialistAsync(new NewSpecialist(
            new NewAccount(email, "Test Specialist " + Guid.NewGuid().ToString("N")[..6], Password, zone), "Testing", zone, "EUR", 50_00));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Message)));
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var profile = await db.Specialists.SingleAsync(p => p.UserId == result.User!.Id);
        if (schedule is not null)
        {
            var s = await db.Schedules.SingleAsync(x => x.SpecialistId == profile.Id);
            schedule(s, app.Clock.GetCurrentInstant());
            await db.SaveChangesAsync();
        }
        var client = app.CreateBrowserLikeClient();
        await client.SignInOrFailAsync(email, Password);
        return new TestSpecialist(profile.Id, email, client);
    }
}
