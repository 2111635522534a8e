using Consulting.Web.Payments;
using Microsoft.Extensions.Options;

namespace Consulting.Web.Hosting;

public static class PaymentsSetup
{
    /// <summary>The payment provider: Stripe when <c>Stripe:SecretKey</c> is set, the built-in test provider otherwise.</summary>
    public static WebApplicationBuilder AddPayments(this WebApplicationBuilder builder)
    {
        builder.AddSettings<StripeOptions>(StripeOptions.Section);
        builder.Services.AddSingleton<StripePaymentGateway>();
        builder.Services.AddSingleton<TestPaymentGateway>();
        // Decided from the bound options when first needed, so every configuration source counts.
        builder.Services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<IOptions<StripeOptions>>().Value.IsConfigured
            ? sp.GetRequiredService<StripePaymentGateway>()
            : sp.GetRequiredService<TestPaymentGateway>());
        builder.Services.AddScoped<StripeEventApplier>();
        builder.Services.AddScoped<IBookingPaymentEvents, Bookings.BookingPaymentEvents>();
        return builder;
    }

    public static WebApplication MapPaymentWebhooks(this WebApplication app)
    {
        app.MapStripeWebhook();
        return app;
    }
}
