using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>Subscribes to one node's leader changes and records each with the time it arrived.</summary>
public sealed class LeaderRecorder
{
    private readonly ConcurrentQueue<(TimeSpan At, LeaderInfo Info)> _seen = new();
    private readonly Stopwatch _clock;

    private LeaderRecorder(Stopwatch clock, NodeId node)
    {
        _clock = clock;
        Node = node;
    }

    public NodeId Node { get; }

    public static LeaderRecorder Attach(ClusterNode node, Stopwatch clock)
    {
        var recorder = new LeaderRecorder(clock, node.Context.NodeId);
        var actor = node.System.ActorOf(Props.Create(() => new Recorder(recorder)));
        node.Manager.Tell(new SubscribeLeader(actor));
        return recorder;
    }

    public IReadOnlyList<(TimeSpan At, LeaderInfo Info)> Seen => _seen.ToList();

    public LeaderInfo? Latest => _seen.IsEmpty ? null : _seen.Last().Info;

    /// <summary>True when this node ever considered itself leader (with or without quorum) after <paramref name="since"/>.</summary>
    public bool EverLedSince(TimeSpan since) => _seen.Any(s => s.At >= since && s.Info.Leader == Node);

    /// <summary>True when this node knew any leader after <paramref name="since"/>.</summary>
    public bool EverKnewALeaderSince(TimeSpan since) => _seen.Any(s => s.At >= since && s.Info.Leader is not null);

    public string History() => string.Join(" | ", _seen.Select(s => $"{s.At.TotalSeconds:F1}s {s.Info.Leader?.ToString() ?? "-"}@{s.Info.Term}{(s.Info.HasQuorum ? "" : "(no quorum)")}"));

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(LeaderRecorder owner) =>
            Receive<LeaderChanged>(m => owner._seen.Enqueue((owner._clock.Elapsed, m.Info)));
    }
}
