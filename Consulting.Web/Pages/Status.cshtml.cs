using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consulting.Web.Pages;

/// <summary>Friendly pages for error status codes (re-executed by UseStatusCodePagesWithReExecute).</summary>
[IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    public int Code { get; private set; }
    public string Heading { get; private set; } = "";
    public string Explanation { get; private set; } = "";

    public void OnGet(int code) => Describe(code);

    public void OnPost(int code) => Describe(code);

    // Re-executed with the original request's method: a refused PUT/PATCH/DELETE gets its page too.
    public void OnPut(int code) => Describe(code);

    public void OnPatch(int code) => Describe(code);

    public void OnDelete(int code) => Describe(code);

    private void Describe(int code)
    {
        // Reached directly (not re-executed), /status/N is just an informational page.
        var original = HttpContext.Features.Get<IStatusCodeReExecuteFeature>();
        var reExecuted = original is not null;
        // Re-executed, the original status is the truth: the route value can't bind when the
        // request's own form was unreadable, and a failed bind must not turn a 400 into a 404.
        if (original is not null) code = original.OriginalStatusCode;
        Code = code is >= 400 and <= 599 ? code : 404;
        if (reExecuted) Response.StatusCode = Code;
        (Heading, Explanation) = Code switch
        {
            400 => ("That request didn't make sense", "Something in the link or form was malformed. Go back and try again."),
            403 => ("You can't open this page", "Your account doesn't have access to it."),
            404 => ("We couldn't find that page", "The link may be old or mistyped."),
            405 => ("That action isn't available here", "Go back and use the buttons on the page."),
            410 => ("This link has expired", "Links in our emails stop working once they are no longer needed."),
            429 => ("Too many attempts", "Please wait a minute before trying again."),
            _ => ("Something went wrong", "Please try again in a moment."),
        };
    }
}
