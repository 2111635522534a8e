using System.Text.RegularExpressions;
using Consulting.Web.Domain;

namespace Consulting.Tests.Architecture;

/// <summary>
/// The folders point one way (README, "Architecture"): Pages and Hosting on top, the feature folders
/// below them without cycles, Domain at the bottom with no EF Core and no ASP.NET Core. Read from the
/// compiled Consulting.Web.dll, method bodies included.
/// </summary>
[NoDatabase]
public sealed class ArchitectureTests
{
    private const string Root = "Consulting.Web.";

    // The top layers: Pages (the web UI) and Hosting (the composition root, which wires every
    // feature into Program.cs) may use any folder; no folder below uses them.
    private static readonly string[] TopLayers = ["Pages", "Hosting"];

    private static readonly Lazy<IReadOnlyList<TypeUse>> Uses =
        new(() => TypeDependencies.Read(typeof(Booking).Assembly.Location));

    /// <summary>The folder a namespace belongs to: <c>Consulting.Web.Bookings.X</c> is <c>Bookings</c>.</summary>
    private static string? Folder(string ns) =>
        ns.StartsWith(Root, StringComparison.Ordinal) ? ns[Root.Length..].Split('.')[0] : null;

    private static IEnumerable<(string From, string To, TypeUse Use)> FolderEdges() =>
        from use in Uses.Value.Concat(UsingDirectives.Value)
        let user = Folder(use.UserNamespace)
        let used = Folder(use.UsedNamespace)
        where user is not null && used is not null && user != used
        select (user, used, use);

    /// <summary>
    /// Each source file's <c>using Consulting.Web.X;</c>, as a use of folder X by the file's own: a
    /// constant (a message, a reason) is copied into the IL where it is used, so a dependency on
    /// nothing but a constant is seen only here. A constant named by a relative qualifier
    /// (<c>Bookings.BookingChanges.Reason</c>) is still seen by neither.
    /// </summary>
    private static readonly Lazy<IReadOnlyList<TypeUse>> UsingDirectives = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Consulting.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var web = Path.Combine(dir.FullName, "Consulting.Web");
        var uses = new List<TypeUse>();
        foreach (var file in Directory.EnumerateFiles(web, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(web, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj") continue;
            var text = File.ReadAllText(file);
            var ns = Regex.Match(text, @"^namespace ([\w.]+);", RegexOptions.Multiline);
            if (!ns.Success) continue;
            foreach (Match u in Regex.Matches(text, @"^using (Consulting\.Web\.[\w.]+);", RegexOptions.Multiline))
                uses.Add(new TypeUse($"{relative} (using)", ns.Groups[1].Value, u.Groups[1].Value, u.Groups[1].Value));
        }
        return uses;
    });

    [Fact]
    public void Domain_uses_nothing_but_the_base_library_NodaTime_and_itself()
    {
        string[] allowed = ["System", "NodaTime", "Consulting.Web.Domain", "Microsoft.CodeAnalysis"];
        var offending = Uses.Value
            .Where(u => Folder(u.UserNamespace) == "Domain")
            .Where(u => u.UsedNamespace != "" && !allowed.Any(a => u.UsedNamespace == a || u.UsedNamespace.StartsWith(a + ".", StringComparison.Ordinal)))
            .Select(u => $"{u.User} uses {u.Used}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(offending.Count == 0, "Domain must not depend on EF Core, ASP.NET Core or another folder:\n" + string.Join("\n", offending));
    }

    [Fact]
    public void No_folder_below_the_top_layers_uses_Pages_or_Hosting()
    {
        var offending = FolderEdges()
            .Where(e => !TopLayers.Contains(e.From) && TopLayers.Contains(e.To))
            .Select(e => $"{e.Use.User} uses {e.Use.Used}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(offending.Count == 0, "Pages and Hosting are the top layers; what several folders share goes into Shared/:\n" + string.Join("\n", offending));
    }

    [Fact]
    public void Feature_folders_have_no_cycles()
    {
        var edges = FolderEdges().Where(e => !TopLayers.Contains(e.From) && !TopLayers.Contains(e.To)).ToList();
        var cycles = DependencyCycles.Find(edges.Select(e => (e.From, e.To)));
        var report = cycles.Select(group =>
            string.Join(", ", group) + ":\n" + string.Join("\n",
                edges.Where(e => group.Contains(e.From) && group.Contains(e.To))
                    .GroupBy(e => (e.From, e.To))
                    .OrderBy(g => g.Key.From, StringComparer.Ordinal).ThenBy(g => g.Key.To, StringComparer.Ordinal)
                    .Select(g => $"  {g.Key.From} -> {g.Key.To}: " + string.Join("; ", g.Select(e => $"{e.Use.User} uses {e.Use.Used}").Distinct().Order(StringComparer.Ordinal).Take(4)))));
        Assert.True(cycles.Count == 0, "Feature folders use one another in a cycle:\n" + string.Join("\n", report));
    }

    [Fact]
    public void The_type_reader_sees_uses_inside_method_bodies()
    {
        // BookingChanges uses the domain's Booking inside its methods; if the reader missed method
        // bodies the cycle test would pass on a graph with edges missing.
        Assert.Contains(Uses.Value, u => u.User.EndsWith(".Bookings.BookingChanges", StringComparison.Ordinal) && u.Used == typeof(Booking).FullName);
        Assert.Contains(FolderEdges(), e => e.From == "Bookings" && e.To == "Domain");
        // And the source's using directives (for constants, which the IL doesn't name).
        Assert.Contains(UsingDirectives.Value, u => u.User == Path.Combine("Bookings", "BookingChanges.cs") + " (using)" && u.Used == "Consulting.Web.Payments");
    }

    [Fact]
    public void Cycle_finder_finds_a_three_folder_cycle_and_leaves_a_chain_alone()
    {
        var cycles = DependencyCycles.Find([("A", "B"), ("B", "C"), ("C", "A"), ("C", "D"), ("D", "E"), ("E", "E")]);
        var group = Assert.Single(cycles);
        Assert.Equal(["A", "B", "C"], group);
        Assert.Empty(DependencyCycles.Find([("A", "B"), ("B", "C"), ("A", "C")]));
    }

    [Fact]
    public void Cycle_finder_finds_two_separate_cycles()
    {
        var cycles = DependencyCycles.Find([("Bookings", "Payments"), ("Payments", "Bookings"), ("Jobs", "Meetings"), ("Meetings", "Jobs"), ("Payments", "Jobs")]);
        Assert.Equal([["Bookings", "Payments"], ["Jobs", "Meetings"]], cycles);
    }
}
