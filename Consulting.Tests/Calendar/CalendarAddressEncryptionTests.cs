using Consulting.Tests.Support;
using Consulting.Tests.Support.PageObjects;
using Consulting.Web.Calendar;
using Consulting.Web.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Calendar;

/// <summary>
/// Calendar addresses stored before they were encrypted: a migration can't call Data Protection, so
/// the start-up that applies <c>EncryptCalendarAddresses</c> encrypts them, and a sync encrypts any
/// row an older instance still wrote plain.
/// </summary>
public sealed class CalendarAddressEncryptionTests : IAsyncLifetime
{
    private CalendarServer _server = null!;

    public async Task InitializeAsync() => _server = await CalendarServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Action<IServiceCollection> AllowLoopback => s => s.Configure<ExternalCalendarOptions>(o => o.AllowPrivateAddresses = true);

    private static Task<List<string>> StoredAddressesAsync(AppFactory app) => app.WithDbAsync(db => db.Database
        .SqlQueryRaw<string>("""SELECT "Address" AS "Value" FROM "ExternalCalendars" """).ToListAsync());

    private static async Task<TestSpecialist> SpecialistAsync(AppFactory app)
    {
        var me = await app.CreateSignedInAsync("Europe/Madrid", (s, now) =>
            s.AddWindow(IsoDayOfWeek.Thursday, new TimeWindow(new LocalTime(9, 0), new LocalTime(13, 0), 60), now));
        await app.ApplyScheduleAsync(me.Id);
        return me;
    }

    private static async Task AddAsync(TestSpecialist me, string address)
    {
        await (await AvailabilityPage.OpenAsync(me.Client)).AddCalendarAsync("Gym", address);
    }

    /// <summary>A specialist's synced calendar, its row turned back into one written before addresses were encrypted.</summary>
    private async Task<(TestSpecialist Me, string Address)> PlainCalendarAsync(AppFactory app)
    {
        var me = await SpecialistAsync(app);
        var address = _server.Url("floating.ics");
        await AddAsync(me, address);
        await app.RunCalendarWorkAsync();
        await app.WithDbAsync(db => db.ExternalCalendars.ExecuteUpdateAsync(s =>
            s.SetProperty(c => c.ProtectedAddress, address).SetProperty(c => c.AddressFingerprint, (string?)null)));
        return (me, address);
    }

    [Fact]
    public async Task An_address_stored_plain_before_the_upgrade_is_encrypted_by_the_start_up_that_migrates_and_still_syncs()
    {
        using var before = new AppFactory { TestServices = AllowLoopback };
        var (me, address) = await PlainCalendarAsync(before);
        // The database as it was before this change: the migration that added the fingerprint undone.
        await before.WithDbAsync(async db =>
        {
            var migrations = db.Database.GetMigrations().ToList();
            var encrypt = migrations.FindIndex(m => m.EndsWith("_EncryptCalendarAddresses", StringComparison.Ordinal));
            await db.GetService<IMigrator>().MigrateAsync(migrations[encrypt - 1]);
        });
        Assert.Equal([address], await StoredAddressesAsync(before));

        // The upgraded app starts on that database: it applies the migration and encrypts the address.
        using var after = new AppFactory(before.DataDirectory) { Clock = before.Clock, TestServices = AllowLoopback };
        var stored = Assert.Single(await StoredAddressesAsync(after));
        Assert.DoesNotContain("floating", stored);
        Assert.DoesNotContain("127.0.0.1", stored);
        Assert.Equal(CalendarAddresses.Fingerprint(address),
            await after.WithDbAsync(db => db.ExternalCalendars.Select(c => c.AddressFingerprint).SingleAsync()));

        // The page shows it masked, and it syncs from the decrypted address.
        var page = await AvailabilityPage.OpenAsync(me.Client);
        Assert.Contains("http://127.0.0.1/••••••", page.Calendars[0]);
        var requests = _server.IfNoneMatchSeen.Count;
        after.Clock.AdvanceMinutes(15);
        Assert.Equal(1, await after.RunCalendarWorkAsync());
        Assert.Equal(requests + 1, _server.IfNoneMatchSeen.Count);
        Assert.Null(await after.WithDbAsync(db => db.ExternalCalendars.Select(c => c.LastError).SingleAsync()));
    }

    [Fact]
    public async Task A_plain_row_an_older_instance_wrote_is_encrypted_when_it_syncs()
    {
        using var app = new AppFactory { TestServices = AllowLoopback };
        var (me, address) = await PlainCalendarAsync(app);

        app.Clock.AdvanceMinutes(15);
        Assert.Equal(1, await app.RunCalendarWorkAsync());
        var stored = Assert.Single(await StoredAddressesAsync(app));
        Assert.DoesNotContain("floating", stored);
        Assert.Equal(1, await app.WithDbAsync(db => db.BusyPeriods.CountAsync()));
        // Encrypted, it is still the same address: adding it again is refused.
        await AddAsync(me, address);
        Assert.Equal(1, await app.WithDbAsync(db => db.ExternalCalendars.CountAsync()));
    }
}
