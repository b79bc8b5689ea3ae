using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>
/// Subscribes to one node's membership and records every snapshot with the time it arrived,
/// so a spec can assert what a node ever showed (never Failed) and when (Unknown after ~2 s).
/// </summary>
public sealed class MembershipRecorder
{
    private readonly ConcurrentQueue<(TimeSpan At, MembershipSnapshot Snapshot)> _seen = new();
    private readonly Stopwatch _clock;

    private MembershipRecorder(Stopwatch clock) => _clock = clock;

    public static MembershipRecorder Attach(ClusterNode node, Stopwatch clock)
    {
        var recorder = new MembershipRecorder(clock);
        var actor = node.System.ActorOf(Props.Create(() => new Recorder(recorder)));
        node.Manager.Tell(new SubscribeMembership(actor));
        return recorder;
    }

    /// <summary>When this node first showed <paramref name="id"/> in <paramref name="state"/>, if ever.</summary>
    public TimeSpan? FirstTime(NodeId id, NodeState state) =>
        _seen.Where(s => s.Snapshot.Find(id)?.State == state).Select(s => (TimeSpan?)s.At).FirstOrDefault();

    /// <summary>When <paramref name="id"/> first disappeared after having been a member, if it did.</summary>
    public TimeSpan? RemovedAt(NodeId id)
    {
        var wasMember = false;
        foreach (var (at, snapshot) in _seen)
        {
            var present = snapshot.Find(id) is not null;
            if (wasMember && !present)
            {
                return at;
            }

            wasMember |= present;
        }

        return null;
    }

    public bool EverShowed(NodeId id, NodeState state) => FirstTime(id, state) is not null;

    /// <summary>Every state this node showed for <paramref name="id"/>, consecutive repeats folded.</summary>
    public IReadOnlyList<string> History(NodeId id)
    {
        var states = new List<string>();
        foreach (var (_, snapshot) in _seen)
        {
            var state = snapshot.Find(id)?.State.ToString() ?? "absent";
            if (states.Count == 0 || states[^1] != state)
            {
                states.Add(state);
            }
        }

        return states;
    }

    public MembershipSnapshot? Latest => _seen.LastOrDefault().Snapshot;

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(MembershipRecorder owner) =>
            Receive<MembershipChanged>(m => owner._seen.Enqueue((owner._clock.Elapsed, m.Snapshot)));
    }
}
