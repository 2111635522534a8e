using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Consulting.Web.Data;

/// <summary>
/// Data-protection keys used to live in a folder (&lt;App:DataDirectory&gt;/keys). On the first start
/// with keys in the database, the folder's keys are copied in, so sign-ins and the signed links in
/// emails already sent keep working.
/// </summary>
public static class KeyRingImport
{
    /// <summary>Whether <paramref name="folder"/> has keys to import (start-up can skip its database work without).</summary>
    public static bool HasKeys(string folder) => Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.xml").Any();

    public static async Task ImportFolderAsync(AppDbContext db, string folder, ILogger log, CancellationToken ct)
    {
        if (!HasKeys(folder)) return;
        var files = Directory.GetFiles(folder, "*.xml").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0 || await db.DataProtectionKeys.AnyAsync(ct)) return;
        foreach (var file in files)
            db.DataProtectionKeys.Add(new DataProtectionKey
            {
                // The names and XML the folder and the database repositories both use.
                FriendlyName = Path.GetFileNameWithoutExtension(file),
                Xml = XElement.Load(file).ToString(SaveOptions.DisableFormatting),
            });
        await db.SaveChangesAsync(ct);
        log.LogInformation("Copied {Count} data-protection keys from {Folder} into the database; the folder is no longer used", files.Count, folder);
    }
}
