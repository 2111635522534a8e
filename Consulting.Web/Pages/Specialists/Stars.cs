using Microsoft.AspNetCore.Html;

namespace Consulting.Web.Pages.Specialists;

/// <summary>
/// A 1–5 star rating. A method rather than a partial: the profile shows one per review, and each
/// partial costs a view lookup and context on the busiest page.
/// </summary>
public static class Stars
{
    private static readonly HtmlString[] ByRating = Enumerable.Range(0, 6)
        .Select(n => new HtmlString(
            $"<span class=\"stars\" role=\"img\" aria-label=\"{n} out of 5 stars\"><span class=\"stars-on\">{new string('★', n)}</span><span class=\"stars-off\">{new string('★', 5 - n)}</span></span>"))
        .ToArray();

    public static IHtmlContent For(int rating) => ByRating[Math.Clamp(rating, 0, 5)];

    public static IHtmlContent For(double average) => For((int)Math.Round(average, MidpointRounding.AwayFromZero));
}
