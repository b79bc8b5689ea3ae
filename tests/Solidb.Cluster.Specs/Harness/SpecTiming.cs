using Akka.Configuration;
using Solidb.Cluster.Configuration;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>
/// The timing the specs run at. <see cref="Production"/> (the default of
/// <see cref="InProcessCluster.Start"/>) for the specs about the timing itself (HealthSpecs:
/// Unknown after about 2 s, Failed after about 5 s, a node healed after 3 s never Failed, an
/// 800 ms delay changes nothing) and for those that watch a window in which nothing may change
/// (forgeries, TLS refusals): there a detection at half the interval would be a false alarm on a
/// loaded machine, not a finding. <see cref="Scaled"/> for the specs that mostly wait for elections
/// and detections and assert what happens, not how fast (ElectionSpecs, NemesisSpecs,
/// EventStreamSpecs): the rules count heartbeat intervals and election timeouts, so the same
/// rules run twice as fast. Formation keeps production timing in both: its window must hold while
/// several actor systems start at once.
/// </summary>
public static class SpecTiming
{
    /// <summary>Join retries faster than production, and disposal terminates the systems without a graceful leave (a spec that wants one sends LeaveCluster).</summary>
    public const string Production = """
        solidb.bootstrap.retry-join-interval = 500ms
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        """;

    /// <summary><see cref="Production"/> with the health and election intervals halved.</summary>
    public const string Scaled = Production + """

        solidb.health.heartbeat-interval = 500ms
        solidb.election.timeout-min = 1500ms
        solidb.election.timeout-max = 2250ms
        solidb.election.rejoin-after = 7500ms
        solidb.election.join-timeout = 7500ms
        """;

    /// <summary>
    /// The longest election timeout of <see cref="Scaled"/>, read from it (one source): a leader cut
    /// off from its majority steps down within it (check-quorum).
    /// </summary>
    public static readonly TimeSpan ElectionTimeoutMax =
        ClusterSettings.FromConfig(ConfigurationFactory.ParseString(Scaled).WithFallback(SolidbConfig.Reference)).Election.TimeoutMax;
}
