using System.Diagnostics;
using System.Globalization;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// The clockshift LD_PRELOAD shim (<c>tools/clockshift/clockshift.c</c>) for the bench: built with
/// gcc into a temp dir, it shifts only the wall clock of a process that loads it by the signed
/// milliseconds in an offset file (re-read every 100 ms). The tests' <c>ClockShift</c> does the same
/// for the test projects; the bench cannot reference test code.
/// </summary>
internal sealed class ClockShiftTool(TempDir dir, string library) : IDisposable
{
    /// <summary>The built libclockshift.so.</summary>
    public string Library { get; } = library;

    /// <summary>Builds the shim; throws <see cref="InvalidOperationException"/> with one line when gcc is missing or fails.</summary>
    public static ClockShiftTool Build()
    {
        var source = Path.Combine(NodeProcess.RepositoryRoot(), "tools", "clockshift", "clockshift.c");
        var dir = new TempDir("solidb-clockshift-");
        var library = Path.Combine(Directory.CreateDirectory(dir.Path).FullName, "libclockshift.so");
        var info = new ProcessStartInfo("gcc") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-shared", "-fPIC", "-O2", "-o", library, source, "-ldl" })
        {
            info.ArgumentList.Add(a);
        }

        try
        {
            using var gcc = Process.Start(info)!;
            var errors = gcc.StandardError.ReadToEndAsync();
            var output = gcc.StandardOutput.ReadToEndAsync();
            gcc.WaitForExit();
            if (gcc.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"gcc failed to build {source} (exit {gcc.ExitCode}): {(errors.Result + output.Result).ReplaceLineEndings(" ").Trim()}");
            }
        }
        catch (Exception e)
        {
            dir.Dispose();
            throw e is System.ComponentModel.Win32Exception
                ? new InvalidOperationException("gcc is not installed: the skew harness needs it to build tools/clockshift/clockshift.c")
                : e;
        }

        return new ClockShiftTool(dir, library);
    }

    /// <summary>The environment that loads the shim and points it at <paramref name="offsetFile"/>.</summary>
    public IReadOnlyDictionary<string, string> Environment(string offsetFile) =>
        new Dictionary<string, string> { ["LD_PRELOAD"] = Library, ["SOLIDB_CLOCKSHIFT_FILE"] = offsetFile };

    /// <summary>Sets the offset in whole milliseconds; replaces the file by rename, so the shim never reads half of it.</summary>
    public static void Set(string offsetFile, long offsetMs)
    {
        var temp = offsetFile + ".tmp";
        File.WriteAllText(temp, offsetMs.ToString(CultureInfo.InvariantCulture));
        File.Move(temp, offsetFile, overwrite: true);
    }

    public void Dispose() => dir.Dispose();
}
