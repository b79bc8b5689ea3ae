using BenchmarkDotNet.Attributes;
using Solidb.Cluster.Clock;

namespace Solidb.Benchmarks.Clock;

/// <summary>
/// All clock benchmarks in one class so every ratio is against the same run's DateTime.UtcNow.
/// Multi-thread and Reserve rows report time per timestamp (OperationsPerInvoke).
/// Not sealed: BenchmarkDotNet derives its runner from the class.
/// </summary>
[MemoryDiagnoser]
public class ClockBenchmarks
{
    public const int ReserveBatch = 1000;
    public const int PerThread = 1_000_000;
    private const int Threads = 2;

    private readonly HlcTimestamp[][] _filled = [.. Enumerable.Range(0, Threads).Select(_ => new HlcTimestamp[PerThread])];
    private HybridLogicalClock _clock = null!;
    private HybridLogicalClock _directClock = null!;
    private LockClock _lockClock = null!;
    private HlcTimestamp _received;

    [GlobalSetup]
    public void Setup()
    {
        _clock = new HybridLogicalClock(TimeProvider.System);
        _directClock = new HybridLogicalClock(TimeProvider.System, new HlcOptions { CalibrationInterval = TimeSpan.Zero });
        _lockClock = new LockClock();
        // A message from a peer, older than the local clock after the first calls: the common case.
        _received = new HlcTimestamp(new HybridLogicalClock(TimeProvider.System).Now().Physical, 17);
    }

    [Benchmark(Baseline = true)]
    public DateTime DateTimeUtcNow() => DateTime.UtcNow;

    [Benchmark]
    public long TimeProviderGetTimestamp() => TimeProvider.System.GetTimestamp();

    [Benchmark]
    public HlcTimestamp HlcNow() => _clock.Now();

    [Benchmark]
    public HlcTimestamp HlcNowWallReadEveryCall() => _directClock.Now();

    [Benchmark]
    public HlcTimestamp HlcUpdate() => _clock.Update(_received);

    /// <summary>Reserves a batch and reads every timestamp in it; cost per timestamp.</summary>
    [Benchmark(OperationsPerInvoke = ReserveBatch)]
    public ulong HlcReservePerTimestamp()
    {
        ulong sum = 0;
        foreach (var ts in _clock.Reserve(ReserveBatch))
        {
            sum += ts.Logical;
        }

        return sum;
    }

    [Benchmark]
    public HlcTimestamp LockClockNow() => _lockClock.Now();

    [Benchmark(OperationsPerInvoke = Threads * PerThread)]
    public void HlcNow2Threads() => ParallelFill.Run(new HlcNowFiller(_clock), _filled);

    [Benchmark(OperationsPerInvoke = Threads * PerThread)]
    public void LockClockNow2Threads() => ParallelFill.Run(new LockClockFiller(_lockClock), _filled);

    /// <summary>
    /// Checks the arrays of the last invocation (an iteration cleanup would force one invocation per
    /// iteration and split these rows from the baseline). The throughput harness checks every round.
    /// </summary>
    [GlobalCleanup(Targets = [nameof(HlcNow2Threads), nameof(LockClockNow2Threads)])]
    public void ReportUniqueness()
    {
        var (regressions, duplicates) = Uniqueness.Check(_filled);
        Console.WriteLine($"// Uniqueness of the last invocation: {Threads * PerThread:N0} timestamps from {Threads} threads: {duplicates} duplicates, {regressions} per-thread regressions");
    }
}
