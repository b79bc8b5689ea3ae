using Solidb.Node.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Node.Tests.Fuzz;

/// <summary>
/// A sample of <see cref="CliCase"/>s as real processes: a start the in-process check calls
/// valid runs, answers /_api/health and exits 0 on SIGTERM; any other exits 2 with exactly one
/// stderr line <c>solidb: error: ...</c>; never a stack trace, never a hang. Cases with NUL or
/// lone surrogates are left to the in-process test (exec cannot pass them).
/// </summary>
// In the second process collection: its processes would otherwise run beside both collections' clusters (ProcessCollection).
[Collection(ProcessCollection.Second)]
public sealed class CliProcessFuzzTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_sample_of_generated_starts_run_cleanly_or_exit_2_with_one_line()
    {
        var cases = Fuzzing.LongRun ? 300 : 30;
        var maxRunning = Fuzzing.LongRun ? 60 : 6;
        var findings = new Findings();
        int ran = 0, running = 0, refused = 0;
        var seeds = new Queue<int>(Enumerable.Range(0, 100 * cases).Select(i => unchecked(Fuzzing.BaseSeed + i)));

        async Task Worker()
        {
            while (true)
            {
                CliCase c;
                CliOutcome outcome;
                lock (seeds)
                {
                    if (ran >= cases || seeds.Count == 0)
                    {
                        return;
                    }

                    var seed = seeds.Dequeue();
                    c = CliCase.Generate(seed, _dir.Sub($"p{seed}"), FreePorts.Next(), FreePorts.Next());
                    if (c.Args.Concat(c.Environment.Values).Any(v => v.Contains('\0') || v.Any(char.IsSurrogate)))
                    {
                        continue;
                    }

                    outcome = CliOutcome.Of(c);
                    if (outcome is { Valid: true, HttpHost: not null } && running >= maxRunning)
                    {
                        continue;
                    }

                    ran++;
                    _ = outcome.Valid && outcome.HttpHost is not null ? running++ : outcome.Valid ? 0 : refused++;
                }

                if (await RunAsync(c, outcome) is { } problem)
                {
                    findings.Add(problem.Split(':')[0], $"{Fuzzing.Replay(c.Seed)}: {problem}: {c}");
                }
            }
        }

        await Task.WhenAll(Worker(), Worker());
        output.WriteLine($"base seed {Fuzzing.BaseSeed}: {ran} processes, {running} started and stopped, {refused} refused");
        findings.AssertNone();
    }

    private async Task<string?> RunAsync(CliCase c, CliOutcome expected)
    {
        await using var p = SolidbProcess.Start(c.Args, _dir.Sub("unused"), environment: c.Environment, addDefaults: false);
        if (!expected.Valid || expected.HttpHost is null)
        {
            int code;
            try
            {
                code = await p.WaitForExitAsync(Bound);
            }
            catch (TimeoutException)
            {
                return "hang: still running";
            }

            var lines = p.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return expected.Valid
                ? code == 0 ? null : $"exit {code} for --help/--version; stderr {p.StdErr}"
                : code != 2 ? $"exit {code}, not 2; stderr {p.StdErr}"
                : lines.Length != 1 || !lines[0].StartsWith("solidb: error: ", StringComparison.Ordinal) ? $"stderr is not one error line: {p.StdErr}"
                : null;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var url = $"http://{expected.HttpHost}:{expected.HttpPort}/_api/health";
        try
        {
            await Until.True(async () =>
            {
                if (p.HasExited)
                {
                    return true;
                }

                try
                {
                    return (await http.GetAsync(url)).IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, Bound);
        }
        catch (TimeoutException)
        {
            return $"hang: {url} never answered; stderr {p.StdErr}";
        }

        if (p.HasExited)
        {
            return $"exit: a valid start exited by itself; stderr {p.StdErr}";
        }

        p.Terminate();
        int exit;
        try
        {
            exit = await p.WaitForExitAsync(Bound);
        }
        catch (TimeoutException)
        {
            return "hang: still running after SIGTERM";
        }

        var crash = (p.StdOut + p.StdErr).Split('\n').FirstOrDefault(HttpFuzzTests.LooksLikeACrash);
        return exit != 0 ? $"exit {exit} after SIGTERM; stderr {p.StdErr}"
            : crash is not null ? $"log: {crash}"
            : null;
    }
}
