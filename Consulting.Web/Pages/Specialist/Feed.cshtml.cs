using Consulting.Web.Calendar;
using Consulting.Web.Hosting;
using Consulting.Web.Specialists;
using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages.Specialist;

/// <summary>The specialist's private iCal feed: its subscription address, and rotating its secret.</summary>
public sealed class FeedModel(CurrentSpecialist current, SpecialistFeed feed, AbsoluteUrls urls) : PageModel
{
    public string FeedUrl { get; private set; } = "";
    /// <summary>The same address for the webcal: scheme, which opens the subscribe dialog of Apple Calendar and Outlook.</summary>
    public string WebcalUrl { get; private set; } = "";
    /// <summary>Set right after a rotation, so the fragment can say the old address is gone.</summary>
    public bool Rotated { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await current.GetAsync(User, ct) is not { } profile) return NotFound();
        SetUrls(profile.Slug, profile.FeedSecret);
        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync(CancellationToken ct)
    {
        if (await current.GetAsync(User, ct) is not { } profile) return NotFound();
        var secret = await feed.RotateSecretAsync(profile.Id, ct);
        if (!Request.IsHtmx())
        {
            TempData["Flash"] = "Your feed has a new address. The old one no longer works.";
            return Redirect(Url.Page("/Specialist/Feed") + "#feed-url");
        }
        SetUrls(profile.Slug, secret);
        Rotated = true;
        return Partial("_FeedUrl", this);
    }

    private void SetUrls(string slug, string secret)
    {
        var feedUrl = urls.To(SpecialistFeed.Path(slug, secret));
        FeedUrl = feedUrl.ToString();
        WebcalUrl = "webcal://" + FeedUrl[(feedUrl.Scheme.Length + 3)..];
    }
}
