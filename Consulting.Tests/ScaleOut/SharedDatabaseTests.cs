using System.Net;
using Consulting.Tests.Support;
using Consulting.Web.Accounts;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Consulting.Web.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.ScaleOut;

/// <summary>
/// Two app hosts on one database, as two instances behind a load balancer: on the PostgreSQL pass one
/// PostgreSQL database, on the SQLite pass one file. Races are still decided by the database, and what
/// one instance signs (cookies, links, antiforgery tokens) the other accepts.
/// </summary>
public sealed class SharedDatabaseTests
{
    [Fact]
    public async Task Two_hundred_holds_for_one_slot_through_two_hosts_give_one_winner_and_199_just_taken()
    {
        using var a = new AppFactory();
        using var b = new AppFactory(a.DataDirectory);
        var hosts = new[] { a.StartKestrel(), b.StartKestrel() };
        var specialist = await a.CreateSpecialistWithSlotsAsync();
        var slot = specialist.Slots.First(s => s.Start >= Instant.FromUtc(2026, 11, 9, 0, 0));

        // One visitor's antiforgery cookie and token, both made by host A, posted to both hosts in turn.
        var attempts = await HoldRace.RunAsync(hosts, specialist.Slug, Enumerable.Repeat(slot.Id, 200).ToList());

        Assert.DoesNotContain(attempts, x => (int)x.Status >= 500);
        Assert.Single(attempts, x => x.Status == HttpStatusCode.Redirect && x.Location!.StartsWith("/checkout/"));
        var losers = attempts.Where(x => x.Status == HttpStatusCode.SeeOther).ToList();
        Assert.True(losers.Count == 199, string.Join(", ", attempts.GroupBy(x => x.Status).Select(g => $"{g.Key}: {g.Count()}")));
        Assert.All(losers, x => Assert.Contains("&taken=", x.Location));
        Assert.Equal(hosts.Order(), losers.Select(x => x.Host).Distinct().Order());

        var (bookings, stored) = await b.WithDbAsync(async db => (
            await db.Bookings.AsNoTracking().Where(x => x.SlotId == slot.Id).ToListAsync(),
            await db.Slots.AsNoTracking().SingleAsync(s => s.Id == slot.Id)));
        var booking = Assert.Single(bookings);
        Assert.Equal((SlotState.Held, booking.Id), (stored.State, stored.BookingId));
    }

    [Fact]
    public async Task Sign_ups_with_one_address_at_once_on_two_hosts_make_one_account_and_tell_the_others_it_is_taken()
    {
        using var a = new AppFactory();
        using var b = new AppFactory(a.DataDirectory);
        var email = AccountPages.UniqueEmail("same-moment");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            await using var scope = (i % 2 == 0 ? a : b).Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<Registration>()
                .RegisterCustomerAsync(new NewAccount(email, "Noor Haddad", CustomerAccounts.Password, "Asia/Dubai"));
        })));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.True(Registration.IsTakenAddress(r), string.Join("; ", r.Errors)));
        Assert.Equal(1, await a.WithDbAsync(db => db.Users.CountAsync(u => u.Email == email)));
    }

    [Fact]
    public async Task A_sign_in_made_on_one_host_is_signed_in_on_the_other()
    {
        using var a = new AppFactory();
        using var b = new AppFactory(a.DataDirectory);
        // One browser (one cookie jar) whose requests a load balancer sends to either host.
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var onA = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(a.StartKestrel()) };
        using var onB = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(b.StartKestrel()) };
        var email = AccountPages.UniqueEmail("two-hosts");
        await using (var scope = a.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<Registration>()
                .RegisterCustomerAsync(new NewAccount(email, "Noor Haddad", CustomerAccounts.Password, "Asia/Dubai"))).Succeeded);

        await onA.SignInOrFailAsync(email, CustomerAccounts.Password);
        var mine = await onB.GetAsync("/bookings");

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Contains("Noor Haddad", await mine.Content.ReadAsStringAsync());
        using var stranger = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = onB.BaseAddress };
        Assert.Equal(HttpStatusCode.Redirect, (await stranger.GetAsync("/bookings")).StatusCode);
    }

    [Fact]
    public async Task A_manage_link_signed_by_one_host_opens_on_the_other()
    {
        using var a = new AppFactory();
        using var b = new AppFactory(a.DataDirectory);
        var specialist = await a.CreateSpecialistWithSlotsAsync();
        var booking = await a.ConfirmedBookingAsync(specialist.Slots[3]);
        var token = await a.ManageTokenAsync(booking);
        using var onB = b.CreateBrowserLikeClient();

        var cancel = await onB.GetAsync($"/bookings/{booking.Id:N}/cancel?t={Uri.EscapeDataString(token)}");

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var form = (await Html.ParseAsync(cancel)).QuerySelector("main form");
        Assert.NotNull(form);
        // A link signed with any other key ring is refused all the same.
        var forged = DataProtectionProvider.Create("Consulting").CreateProtector("x").Protect("y");
        Assert.NotEqual(HttpStatusCode.OK, (await onB.GetAsync($"/bookings/{booking.Id:N}/cancel?t={Uri.EscapeDataString(forged)}")).StatusCode);
    }

    [Fact]
    public async Task Two_hosts_starting_together_on_an_empty_database_migrate_it_once_and_seed_one_copy_of_the_demo_data()
    {
        using var a = new AppFactory { EmptyDatabase = true, SeedDemoData = true };
        using var b = new AppFactory(a.DataDirectory) { EmptyDatabase = true, SeedDemoData = true };

        // A host's start-up (migrations, key ring, demo data) runs when its services are first asked for.
        await Task.WhenAll(Task.Run(() => a.Services), Task.Run(() => b.Services));

        var (applied, all, emails, specialists, keys) = await b.WithDbAsync(async db => (
            (await db.Database.GetAppliedMigrationsAsync()).ToList(),
            db.Database.GetMigrations().ToList(),
            await db.Users.Select(u => u.Email!).ToListAsync(),
            await db.Specialists.CountAsync(),
            await db.DataProtectionKeys.CountAsync()));
        Assert.Equal(all, applied);
        Assert.Equal(DemoData.Specialists.Length + 2, emails.Count);
        Assert.Equal(emails.Distinct().Order(), emails.Order());
        Assert.Equal(DemoData.Specialists.Length, specialists);
        // One key ring key, made by whichever host went first.
        Assert.Equal(1, keys);
        foreach (var host in new[] { a, b })
            await host.CreateBrowserLikeClient().SignInOrFailAsync(DemoData.CustomerEmail, DemoData.Password);
    }

    [Fact]
    public async Task Keys_from_the_old_key_folder_are_copied_into_the_database_so_links_signed_before_still_work()
    {
        // What a deployment from before keys moved to the database has in <App:DataDirectory>/keys.
        var folder = Path.Combine(Path.GetTempPath(), "consulting-tests", Guid.NewGuid().ToString("N"));
        var old = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(folder, "keys")), o => o.SetApplicationName("Consulting"));
        var signedBefore = old.CreateProtector("Consulting.Tests.Link").Protect("booking 42");

        using var app = new AppFactory(folder) { KeepData = false };
        var readNow = app.GetService<IDataProtectionProvider>().CreateProtector("Consulting.Tests.Link").Unprotect(signedBefore);

        Assert.Equal("booking 42", readNow);
        Assert.Equal(Directory.GetFiles(Path.Combine(folder, "keys"), "*.xml").Length,
            await app.WithDbAsync(db => db.DataProtectionKeys.CountAsync()));
    }
}

/// <summary>EF Core's own migration lock, which start-up's lock (Data/StartupLock.cs) wraps.</summary>
public sealed class MigrationLockTests
{
    [Fact]
    public async Task Two_instances_migrating_one_empty_database_at_once_apply_each_migration_once()
    {
        // A database nobody opened yet: on PostgreSQL a fresh empty one, on SQLite a new file.
        var folder = Path.Combine(Path.GetTempPath(), "consulting-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var name = TestDatabase.NameFor(folder);
        if (TestDatabase.IsPostgres) await TestDatabase.EnsureCreatedAsync(name, empty: true);
        AppDbContext Context() => TestDatabase.IsPostgres
            ? new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(TestDatabase.ConnectionString(name)).Options)
            : new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={Path.Combine(folder, "app.db")}").Options);

        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await using var db = Context();
            // As start-up does: EF's own lock isn't enough on PostgreSQL, where it is held per
            // migration's transaction, so a second migrator could apply a later migration again.
            await using (await StartupLock.AcquireAsync(db, CancellationToken.None))
                await db.Database.MigrateAsync();
        })));

        await using (var check = Context())
            Assert.Equal(check.Database.GetMigrations(), await check.Database.GetAppliedMigrationsAsync());
        if (TestDatabase.IsPostgres) await TestDatabase.DropAsync(name);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
