using System.Diagnostics;
using System.Globalization;
using Solidb.Cluster.Clock;

namespace Solidb.Benchmarks.Clock;

/// <summary>
/// Plain multi-thread throughput run, outside BenchmarkDotNet: every clock fills one array per
/// thread, then all arrays are checked for duplicates and per-thread regressions.
/// Usage: throughput [millions-per-thread=5] [threads=2] [rounds=3]
/// </summary>
public static class ThroughputHarness
{
    public static int Run(string[] args)
    {
        double millions = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        int rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        int perThread = (int)(millions * 1_000_000);
        var arrays = Enumerable.Range(0, threads).Select(_ => new HlcTimestamp[perThread]).ToArray();

        Console.WriteLine($"{threads} threads x {perThread:N0} timestamps, {rounds} rounds (+1 warm-up), {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        Console.WriteLine();
        Console.WriteLine("| Clock | best M/s | median M/s | duplicates | per-thread regressions |");
        Console.WriteLine("|---|---:|---:|---:|---:|");

        var hlc = new HybridLogicalClock(TimeProvider.System);
        IFiller[] fillers =
        [
            new HlcNowFiller(hlc),
            new HlcReserveFiller(new HybridLogicalClock(TimeProvider.System), ClockBenchmarks.ReserveBatch),
            new LockClockFiller(new LockClock()),
            new RacyClockFiller(new RacyClock()),
        ];

        bool hlcClean = true;
        foreach (var filler in fillers)
        {
            var rates = new List<double>();
            long duplicates = 0, regressions = 0;
            for (int round = 0; round <= rounds; round++)
            {
                var watch = new Stopwatch();
                ParallelFill.Run(filler, arrays, watch.Start);
                watch.Stop();
                var (r, d) = Uniqueness.Check(arrays);
                duplicates += d;
                regressions += r;
                if (round > 0)
                {
                    rates.Add(threads * (double)perThread / watch.Elapsed.TotalSeconds / 1e6);
                }
            }

            rates.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {filler.Name} | {rates[^1]:F1} | {rates[rates.Count / 2]:F1} | {duplicates:N0} | {regressions:N0} |"));
            if (filler is HlcNowFiller or HlcReserveFiller)
            {
                hlcClean &= duplicates == 0 && regressions == 0;
            }
        }

        return hlcClean ? 0 : 1;
    }
}
