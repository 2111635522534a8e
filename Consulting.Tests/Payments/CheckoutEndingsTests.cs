using Consulting.Tests.Support;
using Consulting.Web.Bookings;
using Consulting.Web.Domain;
using Consulting.Web.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Consulting.Tests.Payments;

/// <summary>
/// An unpaid hold that runs out ends its checkout at the provider: recorded on the payment with the
/// expiry (a consequence of HoldExpired), done by the checkout-ending work and retried when the
/// provider fails, up to its limit.
/// </summary>
public sealed class CheckoutEndingsTests
{
    [Fact]
    public async Task A_checkout_the_provider_failed_to_end_is_ended_on_a_later_sweep()
    {
        var provider = new FailingEnds(failures: 1);
        using var app = new AppFactory { TestServices = s => s.Decorate<IPaymentGateway>(inner => provider.Around(inner)) };
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var booking = await app.AwaitingPaymentAsync(specialist.Slots[0]);

        app.Clock.Advance(Duration.FromMinutes(16));
        Assert.Equal(1, await SweepAsync(app));

        var (status, slot, payment) = await StateAsync(app, booking);
        Assert.Equal((BookingStatus.Expired, SlotState.Available), (status, slot));
        Assert.Equal(1, provider.Calls);
        Assert.Equal(app.Clock.GetCurrentInstant() + CheckoutEndings.Table.Retry.DelayAfter(1), payment.CheckoutEndDueAt);

        // Not due yet: nothing is asked again.
        Assert.Equal(0, await SweepAsync(app));
        Assert.Equal(1, provider.Calls);

        app.Clock.Advance(Duration.FromMinutes(1));
        await SweepAsync(app);
        Assert.Equal(2, provider.Calls);
        Assert.Null((await StateAsync(app, booking)).Payment.CheckoutEndDueAt);
    }

    [Fact]
    public async Task A_provider_that_keeps_failing_is_asked_a_limited_number_of_times()
    {
        var provider = new FailingEnds(failures: int.MaxValue);
        using var app = new AppFactory { TestServices = s => s.Decorate<IPaymentGateway>(inner => provider.Around(inner)) };
        var specialist = await app.CreateSpecialistWithSlotsAsync();
        var booking = await app.AwaitingPaymentAsync(specialist.Slots[0]);

        for (var sweep = 0; sweep < 10; sweep++)
        {
            app.Clock.Advance(Duration.FromHours(1));
            await SweepAsync(app);
        }

        Assert.Equal(CheckoutEndings.Table.Retry.MaxAttempts, provider.Calls);
        var state = await StateAsync(app, booking);
        Assert.Null(state.Payment.CheckoutEndDueAt);
        Assert.Equal(PaymentStatus.Pending, state.Payment.Status);
    }

    private static async Task<int> SweepAsync(AppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HoldExpiry>().ReleaseExpiredAsync(CancellationToken.None);
    }

    private static Task<(BookingStatus Status, SlotState Slot, Payment Payment)> StateAsync(AppFactory app, Booking booking) =>
        app.WithDbAsync(async db => (
            (await db.Bookings.SingleAsync(b => b.Id == booking.Id)).Status,
            (await db.Slots.SingleAsync(s => s.Id == booking.SlotId)).State,
            await db.Payments.AsNoTracking().SingleAsync(p => p.BookingId == booking.Id)));

    /// <summary>A provider whose first <paramref name="failures"/> calls to end a checkout fail.</summary>
    private sealed class FailingEnds(int failures)
    {
        private readonly int _failures = failures;
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public IPaymentGateway Around(IPaymentGateway inner) => new Gateway(inner, this);

        private sealed class Gateway(IPaymentGateway inner, FailingEnds ends) : IPaymentGateway
        {
            public string Name => inner.Name;
            public bool IsTestMode => inner.IsTestMode;
            public Task<CheckoutStart> StartCheckoutAsync(CheckoutRequest request, CancellationToken ct) => inner.StartCheckoutAsync(request, ct);
            public Task<RefundOutcome> RefundAsync(Payment payment, Refund refund, CancellationToken ct) => inner.RefundAsync(payment, refund, ct);

            public Task CancelCheckoutAsync(Payment payment, CancellationToken ct) =>
                Interlocked.Increment(ref ends._calls) <= ends._failures
                    ? throw new HttpRequestException("The provider is unavailable.")
                    : inner.CancelCheckoutAsync(payment, ct);
        }
    }
}
