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
