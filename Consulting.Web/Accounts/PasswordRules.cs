using Consulting.Web.Data;
using Microsoft.AspNetCore.Identity;

namespace Consulting.Web.Accounts;

/// <summary>The site's password rules (Identity's validators), asked before anything is saved.</summary>
public static class PasswordRules
{
    public static async Task<IReadOnlyList<string>> ProblemsAsync(UserManager<AppUser> users, AppUser user, string? password)
    {
        var problems = new List<string>();
        foreach (var validator in users.PasswordValidators)
            problems.AddRange((await validator.ValidateAsync(users, user, password ?? "")).Errors.Select(e => e.Description));
        return problems;
    }
}
