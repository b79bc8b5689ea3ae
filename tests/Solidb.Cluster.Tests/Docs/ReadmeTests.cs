using System.Reflection;
using System.Text.RegularExpressions;
using Solidb.Cluster.Configuration;
using Xunit;

namespace Solidb.Cluster.Tests.Docs;

/// <summary>The README's folder table and the settings it names against the code, so the two cannot drift apart unnoticed.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Readme = File.ReadAllText(Path.Combine(Root, "README.md"));
    private static readonly Assembly Module = typeof(ClusterSettings).Assembly;

    /// <summary>The rows of the folder table: folder ("Clock/Sync") and the text of its "what" cell.</summary>
    private static IReadOnlyList<(string Folder, string What)> Rows() =>
        FolderRow().Matches(Readme).Select(m => (m.Groups["folder"].Value, m.Groups["what"].Value)).ToList();

    [Fact]
    public void The_folder_table_lists_every_folder_of_the_module_and_no_other()
    {
        var source = Path.Combine(Root, "src", "Solidb.Cluster");
        var folders = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(source, Path.GetDirectoryName(f)!).Replace('\\', '/'))
            .Where(d => d != "." && !d.StartsWith("bin", StringComparison.Ordinal) && !d.StartsWith("obj", StringComparison.Ordinal))
            .Distinct().Order().ToList();
        Assert.Equal(folders, Rows().Select(r => r.Folder).Order().ToList());
    }

    [Fact]
    public void Every_name_in_the_folder_table_is_a_type_or_member_of_that_folder()
    {
        var missing = new List<string>();
        foreach (var (folder, what) in Rows())
        {
            var ns = "Solidb.Cluster." + folder.Replace('/', '.');
            var types = Module.GetTypes().Where(t => t.Namespace == ns).ToList();
            var names = types.Select(t => t.Name.Split('`')[0])
                .Concat(types.SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                    .Select(m => m.Name))
                .ToHashSet();
            missing.AddRange(CodeName().Matches(what).Select(m => m.Groups[1].Value).Where(n => !names.Contains(n)).Select(n => $"{folder}: {n}"));
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_solidb_setting_the_readme_names_is_in_the_reference_configuration()
    {
        var unknown = Setting().Matches(Readme).Select(m => m.Value.TrimEnd('.')).Distinct()
            .Where(key => !SolidbConfig.Reference.HasPath(key)).ToList();
        Assert.Empty(unknown);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Solidb.Actors.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException($"the repository root (Solidb.Actors.sln) is not above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^\| `(?<folder>[A-Z][A-Za-z]*(/[A-Z][A-Za-z]*)*)/` \| (?<what>.*) \|$", RegexOptions.Multiline)]
    private static partial Regex FolderRow();

    /// <summary>A code name in backticks: an identifier (a type or member), not a path, a call or a file.</summary>
    [GeneratedRegex(@"`([A-Z][A-Za-z0-9]*)`")]
    private static partial Regex CodeName();

    [GeneratedRegex(@"\bsolidb(\.[a-z][a-z0-9-]*){2,}")]
    private static partial Regex Setting();
}
