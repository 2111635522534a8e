using System.Security.Claims;
using Consulting.Web.Bookings;
using Consulting.Web.Specialists;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

// In the pages' root namespace: every booking and checkout PageModel sees it without a using.
namespace Consulting.Web.Pages;

/// <summary>A booking page's answer to "may this request see the booking?".</summary>
/// <param name="Data">The booking, when it may; null otherwise.</param>
/// <param name="Check">How its link checked (Valid when the account or ownership opened it).</param>
/// <param name="ForSpecialist">Opened by the booking's own specialist, signed in.</param>
public sealed record BookingAccess(BookingPageData? Data, LinkCheck Check, bool ForSpecialist = false)
{
    /// <summary>When <see cref="Data"/> is null: 410 for a link that has expired, else 404 (nothing is told about a booking one may not see).</summary>
    public IActionResult Refusal => Check == LinkCheck.Expired ? new StatusCodeResult(StatusCodes.Status410Gone) : new NotFoundResult();
}

/// <summary>
/// The one way a page opens a booking: its customer by account or by a link signed for one of the
/// page's purposes (tried in order: the confirmation link opens what the manage link opens), and,
/// where the page allows it, its specialist by ownership. Every booking and checkout page asks here.
/// </summary>
public sealed class BookingDoor(BookingService bookings, CurrentSpecialist specialists, UserManager<Data.AppUser> users)
{
    public async Task<BookingAccess> OpenAsync(ClaimsPrincipal user, Guid id, string? token, IReadOnlyList<string> purposes,
        bool specialistToo, CancellationToken ct)
    {
        var userId = users.GetUserId(user);
        var access = new BookingAccess(null, LinkCheck.Invalid);
        foreach (var purpose in purposes)
        {
            var (data, check) = await bookings.OpenAsync(id, token, purpose, userId, ct);
            access = new BookingAccess(data, check);
            if (check != LinkCheck.Invalid) break;
        }
        // The booking's own specialist, signed in, needs no link.
        if (access.Data is null && specialistToo && await specialists.GetAsync(user, ct) is { } specialist
            && await bookings.OpenForSpecialistAsync(id, specialist.Id, ct) is { } own)
            return new BookingAccess(own, LinkCheck.Valid, ForSpecialist: true);
        return access;
    }
}

/// <summary>
/// A page about one booking (route value <c>id</c>, link token <c>t</c>): <see cref="BookingAccessAttribute"/>
/// opens the booking before any handler runs, so a handler only ever sees a booking its caller may see.
/// </summary>
public abstract class BookingPageModel : PageModel
{
    private Func<CancellationToken, Task<BookingAccess>>? _reopen;

    public BookingPageData Data { get; private set; } = null!;
    /// <summary>The link's token as it came (empty when the account or ownership opened the booking).</summary>
    public string Token { get; protected set; } = "";
    /// <summary>Opened by the booking's own specialist, signed in.</summary>
    public bool ForSpecialist { get; private set; }

    internal void Open(BookingAccess access, string? token, Func<CancellationToken, Task<BookingAccess>> reopen)
    {
        (Data, Token, ForSpecialist, _reopen) = (access.Data!, token ?? "", access.ForSpecialist, reopen);
    }

    /// <summary>The page's own checks and set-up once the booking is open: null to go on to the handler, else the answer.</summary>
    protected internal virtual Task<IActionResult?> OpenedAsync(CancellationToken ct) => Task.FromResult<IActionResult?>(null);

    /// <summary>Reads the booking again, after a change the page goes on to show.</summary>
    protected async Task ReopenAsync(CancellationToken ct)
    {
        if (_reopen is not null && (await _reopen(ct)).Data is { } data) Data = data;
    }
}

/// <summary>
/// The one booking-access filter: the booking pages' customer by account or by a link signed for one
/// of <paramref name="purposes"/> (tried in order), and where <see cref="SpecialistToo"/> says so its
/// specialist by ownership; anyone else gets 404 (410 for an expired link) before a handler runs.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class BookingAccessAttribute(params string[] purposes) : Attribute, IAsyncPageFilter
{
    public bool SpecialistToo { get; init; }

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // A handler with a rule of its own (the specialist's host link) says so.
        if (context.HandlerMethod?.MethodInfo.IsDefined(typeof(OwnAccessRuleAttribute), inherit: false) == true)
        {
            await next();
            return;
        }
        var page = context.HandlerInstance as BookingPageModel
            ?? throw new InvalidOperationException($"{context.HandlerInstance.GetType().Name} must be a {nameof(BookingPageModel)}.");
        if (!Guid.TryParse(context.RouteData.Values["id"] as string, out var id))
        {
            context.Result = new NotFoundResult();
            return;
        }
        var http = context.HttpContext;
        // Where model binding would look for it: a form's hidden field first, then the link's query.
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        var token = form?["t"].FirstOrDefault() ?? http.Request.Query["t"].FirstOrDefault();
        var door = http.RequestServices.GetRequiredService<BookingDoor>();
        Task<BookingAccess> OpenAsync(CancellationToken ct) => door.OpenAsync(http.User, id, token, purposes, SpecialistToo, ct);

        var access = await OpenAsync(http.RequestAborted);
        if (access.Data is null)
        {
            context.Result = access.Refusal;
            return;
        }
        page.Open(access, token, OpenAsync);
        if (await page.OpenedAsync(http.RequestAborted) is { } answer)
        {
            context.Result = answer;
            return;
        }
        await next();
    }
}

/// <summary>On a handler of a <see cref="BookingPageModel"/>: it checks who may use it itself, not by the booking's link.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OwnAccessRuleAttribute : Attribute;
