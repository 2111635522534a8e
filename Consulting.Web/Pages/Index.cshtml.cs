using Consulting.Web.Specialists;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace Consulting.Web.Pages;

public sealed class IndexModel(SpecialistDirectory directory, IClock clock) : PageModel
{
    public IReadOnlyList<DirectoryEntry> Specialists { get; private set; } = [];
    public Instant Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetCurrentInstant();
        Specialists = await directory.ListAsync(ct);
    }
}
