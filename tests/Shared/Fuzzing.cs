using System.Diagnostics;
using System.Globalization;

namespace Solidb.Testing;

/// <summary>
/// Budget and seeds of the fuzz tests. Each case runs from its own seed: base seed + case number.
/// <c>SOLIDB_FUZZ_SEED=N</c> starts at seed N (a failure prints the seed that broke), and
/// <c>SOLIDB_FUZZ_SECONDS=S</c> runs each fuzz test for S seconds instead of its CI budget.
/// </summary>
public static class Fuzzing
{
    public static int BaseSeed { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("SOLIDB_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
            ? s
            : Random.Shared.Next(0, 1_000_000_000);

    /// <summary>How long a fuzz test runs: its CI budget, or SOLIDB_FUZZ_SECONDS.</summary>
    public static TimeSpan Budget(TimeSpan ci) =>
        int.TryParse(Environment.GetEnvironmentVariable("SOLIDB_FUZZ_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : ci;

    public static bool LongRun => Environment.GetEnvironmentVariable("SOLIDB_FUZZ_SECONDS") is { Length: > 0 };

    /// <summary>Seeds base, base+1, ... until the budget is spent (at least <paramref name="min"/>, at most <paramref name="max"/> cases).</summary>
    public static IEnumerable<int> Seeds(TimeSpan budget, int min = 1, int max = int.MaxValue)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < max && (i < min || clock.Elapsed < budget); i++)
        {
            yield return unchecked(BaseSeed + i);
        }
    }

    public static string Replay(int seed) => $"seed {seed} (replay: SOLIDB_FUZZ_SEED={seed})";
}
