using System.Security.Claims;
using Consulting.Web.Data;
using Consulting.Web.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Web.Specialists;

/// <summary>
/// The signed-in specialist's own profile. Specialist pages reach data only through it, so one
/// specialist can never address another's schedule or slots.
/// </summary>
public sealed class CurrentSpecialist(AppDbContext db, UserManager<AppUser> users)
{
    public async Task<SpecialistProfile?> GetAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var userId = users.GetUserId(user);
        return userId is null ? null : await db.Specialists.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, ct);
    }
}
