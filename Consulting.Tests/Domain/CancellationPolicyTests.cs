using Consulting.Web.Domain;
using NodaTime;

namespace Consulting.Tests.Domain;

/// <summary>The refund rule and its words come from one type: every sentence follows the window it is given.</summary>
[NoDatabase]
public sealed class CancellationPolicyTests
{
    private static readonly CancellationPolicy TwoDays = new(Duration.FromHours(48));
    private static readonly Money Price = new(5000, "EUR");

    [Fact]
    public void Every_sentence_about_the_window_names_the_configured_hours()
    {
        string[] sentences =
        [
            TwoDays.RescheduleClosed,
            TwoDays.Preview(RefundDecision.Full, Price, paid: true).Detail,
            TwoDays.Preview(RefundDecision.None, Price, paid: true).Detail,
            TwoDays.Outcome(RefundDecision.None, "€50.00"),
            TwoDays.OutcomeNoted(RefundDecision.None),
            TwoDays.ManageNote(mayReschedule: true),
            TwoDays.ManageNote(mayReschedule: false),
            TwoDays.ToCancelNote(RefundDecision.None, Price, paid: true),
            TwoDays.CancelledWithAccount("your session", RefundDecision.None, Price, paid: true),
        ];
        Assert.All(sentences, s => Assert.Contains("48 hours", s));
        Assert.All(sentences, s => Assert.DoesNotContain("24", s));
    }

    [Fact]
    public void A_full_refund_names_the_amount_on_the_page_in_the_message_and_in_the_email()
    {
        Assert.Equal("You'll get a full refund of €50.00.", TwoDays.Preview(RefundDecision.Full, Price, paid: true).Lead);
        Assert.Equal("Your session is cancelled. We're refunding €50.00 in full.", TwoDays.CancelledMessage(RefundDecision.Full, Price, paid: true));
        Assert.Equal("You get a full refund of €50.00; it reaches your card within a few days.", TwoDays.Outcome(RefundDecision.Full, "€50.00"));
    }

    [Fact]
    public void Nothing_paid_means_nothing_to_refund_whatever_the_decision()
    {
        Assert.Equal("Nothing has been charged", TwoDays.Preview(RefundDecision.Full, Price, paid: false).Lead);
        Assert.Equal("Your session is cancelled.", TwoDays.CancelledMessage(RefundDecision.Full, Price, paid: false));
    }

    [Fact]
    public void A_customer_inside_the_window_gets_nothing_and_anyone_else_gets_everything()
    {
        var start = Instant.FromUtc(2026, 11, 10, 15, 0);
        Assert.Equal(RefundDecision.Full, TwoDays.RefundFor(ActorRole.Customer, start, start - Duration.FromHours(48)));
        Assert.Equal(RefundDecision.None, TwoDays.RefundFor(ActorRole.Customer, start, start - Duration.FromHours(48) + Duration.FromSeconds(1)));
        Assert.Equal(RefundDecision.Full, TwoDays.RefundFor(ActorRole.Specialist, start, start - Duration.FromHours(1)));
    }

    [Fact]
    public void Deleting_an_account_words_each_cancelled_booking_as_the_policy_does()
    {
        Assert.Equal("full refund of €50.00.", TwoDays.ToCancelNote(RefundDecision.Full, Price, paid: true));
        Assert.Equal("nothing has been charged.", TwoDays.ToCancelNote(RefundDecision.Full, Price, paid: false));
        Assert.Equal("We cancelled your session and are refunding €50.00 in full; it reaches your card within a few days.",
            TwoDays.CancelledWithAccount("your session", RefundDecision.Full, Price, paid: true));
        Assert.Equal("We cancelled your session; nothing had been charged.",
            TwoDays.CancelledWithAccount("your session", RefundDecision.None, Price, paid: false));
    }
}
