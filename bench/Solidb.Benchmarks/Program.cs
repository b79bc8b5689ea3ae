using BenchmarkDotNet.Running;
using Solidb.Benchmarks.Clock;
using Solidb.Benchmarks.Cluster;

// `-- throughput [millions-per-thread] [threads] [rounds]` runs the plain multi-thread harness;
// `-- startup [runs] [--lowest-missing]` the cluster start-up harness and `-- failover [runs]` the leader failover
// harness, `-- detect [runs]` kill -9 to Failed (all real solidb processes, Release build),
// `-- heartbeats [window-seconds]` heartbeat traffic per node at N = 3..15 (in-process),
// `-- rtt [seconds]` heartbeat round trips of 3 real processes (`-- pooled FILE...` pools the samples SOLIDB_BENCH_SAMPLES kept); `-- heal [runs] [cut-seconds]` and
// `-- partial [runs]` partitions between real processes on network namespaces (root); `-- skew [minutes] [runs]` a real
// process whose wall clock is 3 s ahead, then behind (the clockshift shim, needs gcc); startup, failover and rtt take
// `--tls` to measure each run without and with mutual TLS in the same invocation; `-- status [seconds] [concurrency]
// [rounds]` GET /_api/cluster/status req/s of a real node against an ASP.NET Core hello world in the same run;
// `-- rolling [rounds]` a rolling restart of 3 real processes, leaderless time per stop with and without leadership transfer;
// `-- remote [requests]` the remote API's GetClusterStatus round trip through ClusterClient against HTTP and a plain echo;
// `-- metrics [scrapes] [members] [formation-seconds]` GET /metrics p50/p99 on a member of 9 real processes against GET /_api/cluster/status;
// `-- flood [minutes]` a forging client's flood against 3 real processes (refusals by reason, RSS before and after; issue 20);
// SOLIDB_BENCH_BINARY=PATH measures another checkout's solidb.dll (bench/compare.sh alternates the two run by run);
// anything else goes to BenchmarkDotNet (e.g. `-- --filter '*' --job short`).
if (args.Length > 0 && args[0] == "throughput")
{
    return ThroughputHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "cmd")
{
    return await CmdHarness.Run(args[1..]); // `-- cmd [runs]`: solidb-cmd cluster show wall time (JIT / ReadyToRun, TieredPGO on / off)
}

if (args.Length > 0 && args[0] == "startup")
{
    return await StartupHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "failover")
{
    return await FailoverHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "detect")
{
    return await DetectionHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "flood")
{
    return await Solidb.Benchmarks.Cluster.FloodHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "pooled")
{
    return Samples.Pooled(args[1..]);
}

if (args.Length > 0 && args[0] == "rtt")
{
    return await RttHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "heal")
{
    return await PartitionHarness.Heal(args[1..]);
}

if (args.Length > 0 && args[0] == "partial")
{
    return await PartitionHarness.Partial(args[1..]);
}

if (args.Length > 0 && args[0] == "skew")
{
    return await SkewHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "status")
{
    return await StatusThroughputHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "remote")
{
    return await RemoteApiHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "metrics")
{
    return await MetricsScrapeHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "rolling")
{
    return await RollingRestartHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "heartbeats")
{
    return await HeartbeatRateHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] is "events-fanout" or "events-stalled")
{
    return args[0] == "events-fanout" ? await EventsHarness.FanOut(args[1..]) : await EventsHarness.Stalled(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(ClockBenchmarks).Assembly).Run(args);
return 0;
