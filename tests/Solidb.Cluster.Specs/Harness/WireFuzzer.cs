using Akka.Actor;
using Akka.Serialization;
using Solidb.Cluster.Bootstrap;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>
/// Seeded generator of hostile wire traffic from a <see cref="ForeignSystem"/>: protocol messages
/// of every type with forged ids (members', invented, malformed), hostile numbers and timestamps;
/// serialized messages with bytes flipped, cut or inserted; random bytes under the protocol's and
/// unknown serializer ids. Sent to every module actor of every node, with and without a sender,
/// and with forged sender paths at the members' addresses.
/// </summary>
public sealed class WireFuzzer(ForeignSystem foreign, IReadOnlyList<ClusterNode> nodes, int seed)
{
    private static readonly string[] Children =
        ["", HeartbeatActor.Name, ElectionActor.Name, BootstrapActor.Name, ClockActor.Name, FailureDetectorActor.Name];

    private readonly Random _random = new(seed);
    private readonly Serializer _protocol = foreign.System.Serialization.FindSerializerForType(typeof(Heartbeat));
    private readonly IActorRef _sender = foreign.System.ActorOf(Props.Empty, "fuzzer");
    private readonly (string Id, long Uid, string Address)[] _members = nodes
        .Select(n => (n.NodeId, (long)Akka.Cluster.Cluster.Get(n.System).SelfUniqueAddress.Uid, n.Address.ToString())).ToArray();

    public long Sent { get; private set; }

    /// <summary>Sends one message to a random module actor of a random node.</summary>
    public void SendOne()
    {
        var node = nodes[_random.Next(nodes.Count)];
        var target = foreign.Module(node, Children[_random.Next(Children.Length)]);
        var sender = _random.Next(4) switch
        {
            0 => ActorRefs.NoSender,
            1 => ForgedSender(), // a member's or this node's own path, written into the envelope (dropped by the transport guard)
            _ => _sender,
        };
        object payload = _random.Next(10) switch
        {
            < 6 => Message(),
            < 9 => new ForgedProtocolBytes(Mutate(_protocol.ToBinary(Message()))),
            _ => _random.Next(2) == 0 ? new ForgedProtocolBytes(Bytes(_random.Next(0, 512))) : new UnknownIdBytes(Bytes(_random.Next(0, 64))),
        };
        target.Tell(payload, sender);
        Sent++;
    }

    /// <summary>A sender path at a member's address (often the target's own), to a module actor or a guardian.</summary>
    private IActorRef ForgedSender() =>
        foreign.Forged(nodes[_random.Next(nodes.Count)], $"/user/{Manager.ClusterManagerActor.Name}{(_random.Next(2) == 0 ? "" : "/" + Children[_random.Next(Children.Length)])}".TrimEnd('/'));

    private IProtocolMessage Message() => _random.Next(15) switch
    {
        0 => new Heartbeat(Id(), Uid(), Long(), Term(), Bool(), Stamp(), Stamp()),
        1 => new HeartbeatAck(Id(), Uid(), Long(), Term(), Stamp()),
        2 => new ProbeRequest(Id(), Id(), Uid(), Address(), Long(), Stamp()),
        3 => new ProbePing(Id(), Long(), Stamp()),
        4 => new ProbePingAck(Id(), Uid(), Long(), Stamp()),
        5 => new ProbeAck(Id(), Id(), Uid(), Long(), Stamp()),
        6 => new HealthReport(Id(), Id(), Uid(), (HealthSignal)_random.Next(-1, 5), Bool(), Stamp()),
        7 => new RequestVote(Id(), Term(), Bool(), Stamp()),
        8 => new VoteReply(Id(), Term(), Bool(), Bool(), Stamp()),
        9 => new Introduce(Id(), Uid(), Long(), Address(), Text(), Stamp()),
        10 => _random.Next(2) == 0 ? new FormationQuery(Id(), Long(), Long(), Stamp()) : new FormationVoteRequest(Id(), Term(), Long(), Stamp()),
        11 => _random.Next(2) == 0 ? new FormationReply(Id(), Bool(), Term(), Bool(), Long(), Long(), Stamp())
            : new FormationVoteReply(Id(), Term(), Bool(), Long(), Stamp()),
        12 => new ObserveTimestamp(Stamp()),
        13 => new TimestampReply(Stamp()),
        _ => new GetTimestamp(),
    };

    private string Id() => _random.Next(6) switch
    {
        < 3 => _members[_random.Next(_members.Length)].Id,
        3 => "ghost",
        4 => Text(),
        _ => null!,
    };

    private long Uid() => _random.Next(3) == 0 ? Long() : _members[_random.Next(_members.Length)].Uid;

    private long Term() => _random.Next(5) switch
    {
        0 => long.MaxValue,
        1 => long.MaxValue - 1,
        2 => _random.Next(0, 10),
        3 => -_random.NextInt64(1, long.MaxValue),
        _ => Long(),
    };

    private long Long() => _random.Next(4) switch
    {
        0 => long.MinValue,
        1 => -1,
        2 => _random.Next(0, 1000),
        _ => _random.NextInt64(long.MinValue, long.MaxValue),
    };

    private bool Bool() => _random.Next(2) == 0;

    private HlcTimestamp Stamp()
    {
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return _random.Next(4) switch
        {
            0 => HlcTimestamp.Zero,
            1 => new HlcTimestamp(now + (ulong)_random.Next(1, 100_000_000), uint.MaxValue),
            2 => new HlcTimestamp((ulong)_random.NextInt64(), (uint)_random.Next()),
            _ => new HlcTimestamp(now, (uint)_random.Next(0, 10)),
        };
    }

    private string Address() => _random.Next(4) switch
    {
        0 => _members[_random.Next(_members.Length)].Address,
        1 => "akka.tcp://solidb@10.255.255.1:6745",
        2 => null!,
        _ => Text(),
    };

    private string Text() => _random.Next(5) switch
    {
        0 => "",
        1 => new string('x', _random.Next(65, 5000)),
        2 => "node\n\u0000\u202e",
        3 => string.Concat(Enumerable.Range(0, _random.Next(1, 40)).Select(_ => (char)_random.Next(0, 0xD7FF))),
        _ => "akka.tcp://solidb@127.0.0.1:" + _random.Next(),
    };

    private byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private byte[] Mutate(byte[] bytes)
    {
        var list = bytes.ToList();
        for (var i = _random.Next(1, 6); i > 0 && list.Count > 0; i--)
        {
            var at = _random.Next(list.Count);
            switch (_random.Next(4))
            {
                case 0: list[at] ^= (byte)(1 << _random.Next(8)); break;
                case 1: list.RemoveRange(at, list.Count - at); break;
                case 2: list.Insert(at, (byte)_random.Next(256)); break;
                default: list[at] = (byte)_random.Next(256); break;
            }
        }

        return [.. list];
    }
}
