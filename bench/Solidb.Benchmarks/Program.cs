using BenchmarkDotNet.Running;
using Solidb.Benchmarks.Clock;
using Solidb.Benchmarks.Cluster;

// `-- throughput [millions-per-thread] [threads] [rounds]` runs the plain multi-thread harness;
// `-- startup [runs]` the cluster start-up harness and `-- failover [runs]` the leader failover
// harness (real solidb processes, Release build);
// anything else goes to BenchmarkDotNet (e.g. `-- --filter '*' --job short`).
if (args.Length > 0 && args[0] == "throughput")
{
    return ThroughputHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "startup")
{
    return await StartupHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "failover")
{
    return await FailoverHarness.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(ClockBenchmarks).Assembly).Run(args);
return 0;
