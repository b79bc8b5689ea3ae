using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace Solidb.Node.Tests.Harness;

/// <summary>
/// Really shifts one process's wall clock: <c>tools/clockshift/clockshift.c</c>, an LD_PRELOAD
/// library built here once per test run with gcc, shifts <c>clock_gettime(CLOCK_REALTIME...)</c>,
/// <c>gettimeofday</c> and <c>time</c> (what .NET's <c>DateTime.UtcNow</c> reads) by the signed
/// milliseconds in an offset file, re-read every 100 ms; monotonic clocks are untouched.
/// Start a process with <see cref="Environment"/> and change its clock with <see cref="Set"/>.
/// </summary>
public static class ClockShift
{
    private static readonly Lazy<string> LazyLibrary = new(() => Compile("clockshift.c", "libclockshift.so", "-shared", "-fPIC", "-ldl"));
    private static readonly Lazy<string> LazyProbe = new(() => Compile("probe.c", "clockshift-probe"));

    /// <summary>Why the shim cannot be used here (not Linux, no gcc on PATH); null when it can.</summary>
    public static string? Unavailable { get; } =
        !OperatingSystem.IsLinux() ? "the clockshift LD_PRELOAD shim needs Linux"
        : FindOnPath("gcc") is null ? "gcc is not installed (needed to build tools/clockshift; .ci/run installs it)"
        : null;

    /// <summary>The built libclockshift.so (built on first use; a build failure throws with gcc's output).</summary>
    public static string LibraryPath => LazyLibrary.Value;

    /// <summary>The built <c>tools/clockshift/probe.c</c>: prints every clock it reads, in nanoseconds.</summary>
    public static string ProbePath => LazyProbe.Value;

    /// <summary>The environment that loads the shim and points it at <paramref name="offsetFile"/>.</summary>
    public static IReadOnlyDictionary<string, string> Environment(string offsetFile) => new Dictionary<string, string>
    {
        ["LD_PRELOAD"] = LibraryPath,
        ["SOLIDB_CLOCKSHIFT_FILE"] = offsetFile,
    };

    /// <summary>Sets the offset (whole milliseconds); replaces the file by rename, so the shim never reads half of it.</summary>
    public static void Set(string offsetFile, TimeSpan offset) =>
        Write(offsetFile, ((long)Math.Round(offset.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture));

    /// <summary>Writes the offset file's raw text (for malformed contents).</summary>
    public static void Write(string offsetFile, string text)
    {
        var temp = offsetFile + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(temp, text);
        File.Move(temp, offsetFile, overwrite: true);
    }

    private static string Compile(string source, string output, params string[] flags)
    {
        var sourcePath = Path.Combine(ToolDir(), source);
        var outDir = Path.Combine(AppContext.BaseDirectory, "clockshift");
        Directory.CreateDirectory(outDir);
        var target = Path.Combine(outDir, output);
        var temp = target + ".tmp-" + System.Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo("gcc") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        // gcc -shared -fPIC -O2 -o <out> clockshift.c -ldl: libraries after the source.
        foreach (var a in flags.Where(f => !f.StartsWith("-l", StringComparison.Ordinal)).Concat(["-O2", "-o", temp, sourcePath])
                     .Concat(flags.Where(f => f.StartsWith("-l", StringComparison.Ordinal))))
        {
            info.ArgumentList.Add(a);
        }

        using var gcc = Process.Start(info) ?? throw new InvalidOperationException("could not start gcc");
        var stderr = gcc.StandardError.ReadToEndAsync();
        var stdout = gcc.StandardOutput.ReadToEndAsync();
        if (!gcc.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            gcc.Kill();
            throw new TimeoutException($"gcc did not finish building {source} within 120 s");
        }

        if (gcc.ExitCode != 0)
        {
            throw new InvalidOperationException($"gcc failed to build {sourcePath} (exit {gcc.ExitCode}): {stderr.Result}{stdout.Result}");
        }

        File.Move(temp, target, overwrite: true);
        return target;
    }

    private static string ToolDir() => Path.Combine(RepositoryRoot(), "tools", "clockshift");

    /// <summary>The checkout this test assembly was built in (the directory holding Solidb.Actors.sln).</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Solidb.Actors.sln")))
        {
            dir = dir.Parent;
        }

        return dir is null
            ? throw new DirectoryNotFoundException($"the repository root (Solidb.Actors.sln) is not above {AppContext.BaseDirectory}")
            : dir.FullName;
    }

    private static string? FindOnPath(string command) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, command)).FirstOrDefault(File.Exists);
}

/// <summary>A fact that needs the clockshift shim (Linux and gcc); skipped with the reason otherwise.</summary>
public sealed class ClockShiftFactAttribute : FactAttribute
{
    public ClockShiftFactAttribute()
    {
        if (ClockShift.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that needs the clockshift shim (Linux and gcc); skipped with the reason otherwise.</summary>
public sealed class ClockShiftTheoryAttribute : TheoryAttribute
{
    public ClockShiftTheoryAttribute()
    {
        if (ClockShift.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
