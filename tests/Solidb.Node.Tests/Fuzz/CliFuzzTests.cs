using Solidb.Node.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Node.Tests.Fuzz;

/// <summary>
/// Fuzzes the command line, environment and --config files: every generated start either is
/// valid or fails with a UsageException, SettingsException or DataDirectoryException whose
/// message is one line; no other exception, no hang. A sample runs as real processes.
/// </summary>
public sealed class CliFuzzTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(20);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Generated_command_lines_and_config_files_are_valid_or_one_line_errors_in_process()
    {
        int valid = 0, invalid = 0;
        var findings = new Findings();
        foreach (var seed in Fuzzing.Seeds(Fuzzing.Budget(TimeSpan.FromSeconds(6)), min: 50))
        {
            var c = CliCase.Generate(seed, _dir.Sub($"c{seed}"), FreePorts.Next(), FreePorts.Next());
            CliOutcome outcome;
            var started = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                var run = Task.Run(() => CliOutcome.Of(c));
                outcome = await run.WaitAsync(CaseBound);
            }
            catch (TimeoutException)
            {
                findings.Add("hang", $"{Fuzzing.Replay(seed)}: start-up validation still runs after {CaseBound}: {c}");
                continue;
            }
            catch (Exception e)
            {
                findings.Add(e.GetType().Name, $"{Fuzzing.Replay(seed)}: {e.GetType().Name} escaped (not a one-line usage error): {c}\n{e}");
                continue;
            }

            if (outcome.Error is { } error && CliOutcome.NotOneLine(error) is { } why)
            {
                findings.Add(why, $"{Fuzzing.Replay(seed)}: {why}: {c}\nmessage: {error}");
            }

            _ = outcome.Valid ? valid++ : invalid++;
            if (started.Elapsed > TimeSpan.FromSeconds(1))
            {
                output.WriteLine($"slow ({started.Elapsed.TotalSeconds:0.0} s): {Fuzzing.Replay(seed)} {c} -> {outcome}");
            }

            TryDelete(_dir.Sub($"c{seed}"));
        }

        findings.AssertNone();
        output.WriteLine($"base seed {Fuzzing.BaseSeed}: {valid} valid, {invalid} refused with one line");
        Assert.True(valid > 0 && invalid > 0, $"the generator should produce both valid and invalid starts ({valid} valid, {invalid} invalid)");
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for TempDir.
        }
    }
}
