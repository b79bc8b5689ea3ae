using System.Reflection;

namespace Solidb.Node.Tests.Harness;

/// <summary>Finds the built solidb.dll of the same configuration (Debug/Release) as the tests.</summary>
public static class SolidbBinary
{
    private static readonly Lazy<string> LazyPath = new(Locate);

    public static string Path => LazyPath.Value;

    private static string Locate()
    {
        var configuration = typeof(SolidbBinary).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Solidb.Actors.sln")))
        {
            dir = dir.Parent;
        }

        var path = dir is null ? null : System.IO.Path.Combine(dir.FullName, "src", "Solidb.Node", "bin", configuration, "net10.0", "solidb.dll");
        return path is not null && File.Exists(path)
            ? path
            : throw new FileNotFoundException($"solidb.dll not found (looked for {path}); build the solution first");
    }
}
