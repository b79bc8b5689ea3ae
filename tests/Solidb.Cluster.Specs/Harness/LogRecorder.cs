using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>Records one node's warning and error log events (source and text), so a spec can check what the node said.</summary>
public sealed class LogRecorder
{
    private readonly ConcurrentQueue<(string Source, string Text)> _seen = new();

    public static LogRecorder Attach(ClusterNode node)
    {
        var recorder = new LogRecorder();
        var actor = node.System.ActorOf(Props.Create(() => new Recorder(recorder)));
        node.System.EventStream.Subscribe(actor, typeof(Warning));
        node.System.EventStream.Subscribe(actor, typeof(Error));
        return recorder;
    }

    public IReadOnlyList<(string Source, string Text)> Seen => _seen.ToList();

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(LogRecorder owner) =>
            Receive<LogEvent>(e => owner._seen.Enqueue((e.LogSource, e.Message?.ToString() ?? "")));
    }
}
