using System.Globalization;

namespace Solidb.Benchmarks.Cluster;

/// <summary>Order statistics for the cluster harnesses.</summary>
internal static class Samples
{
    public static double Median(IReadOnlyCollection<double> xs) => Percentile(xs, 50);

    /// <summary>Linear interpolation between closest ranks (the usual "type 7" definition).</summary>
    public static double Percentile(IReadOnlyCollection<double> xs, double p)
    {
        var sorted = xs.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = p / 100 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    /// <summary>Appends the samples, one per line, to the file SOLIDB_BENCH_SAMPLES names (with ".NAME" unless NAME is "plain"); nothing when unset.</summary>
    public static void Keep(IEnumerable<double> xs, string name)
    {
        if (Environment.GetEnvironmentVariable("SOLIDB_BENCH_SAMPLES") is not { Length: > 0 } path)
        {
            return;
        }

        File.AppendAllLines(name == "plain" ? path : $"{path}.{name}", xs.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
    }

    /// <summary>`-- pooled FILE...`: count, p50, p90, p99 and max of each file's samples, pooled over every run that appended to it.</summary>
    public static int Pooled(string[] files)
    {
        foreach (var file in files)
        {
            var xs = File.ReadLines(file).Where(l => l.Length > 0).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToList();
            Console.WriteLine($"{System.IO.Path.GetFileName(file)}: {xs.Count} samples, p50 {Percentile(xs, 50):F2}, p90 {Percentile(xs, 90):F2}, " +
                $"p99 {Percentile(xs, 99):F2}, max {xs.DefaultIfEmpty().Max():F2}");
        }

        return 0;
    }
}

/// <summary>A temporary directory for one harness run, deleted afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix) =>
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..8]);

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless.
        }
    }
}
