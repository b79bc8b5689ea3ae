using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Solidb.Cluster.Client.Security;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Security.Transport;
using Solidb.Testing;

namespace Solidb.Benchmarks.Security;

/// <summary>
/// The transport guard's cost per inbound PDU (issue 20), against what Akka itself pays for the
/// same message: deserializing a heartbeat with the module's protocol serializer (the baseline).
/// The PDU is a heartbeat envelope laid out as Akka.Remote writes it.
/// Not sealed: BenchmarkDotNet derives its runner from the class.
/// </summary>
[MemoryDiagnoser]
public class GuardBenchmarks
{
    private ActorSystem _system = null!;
    private Serializer _protocol = null!;
    private byte[] _heartbeat = null!;
    private ByteString _pdu = null!;
    private ByteString _associate = null!;
    private View _view = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench", ConfigurationFactory.ParseString("""
            akka.actor.serializers.solidb = "Solidb.Cluster.Protocol.ProtocolSerializer, Solidb.Cluster"
            akka.actor.serialization-bindings { "Solidb.Cluster.Protocol.IProtocolMessage, Solidb.Cluster" = solidb }
            akka.loglevel = WARNING
            """));
        _protocol = _system.Serialization.FindSerializerForType(typeof(Heartbeat));
        var stamp = new HlcTimestamp(1_765_000_000_000, 3);
        _heartbeat = _protocol.ToBinary(new Heartbeat("node2", 123456789, 42, 7, true, stamp, stamp) { WallMs = 1_765_000_000_000 });
        _pdu = PduBuilder.Envelope("akka.tcp://solidb@127.0.0.1:6745/user/solidb-cluster/heartbeat", "akka.tcp://solidb@127.0.0.1:6755/user/solidb-cluster/heartbeat",
            ProtocolSerializer.SerializerId, "", ByteString.CopyFrom(_heartbeat));
        _associate = PduBuilder.Associate("solidb", "127.0.0.1", 6755);
        _view = new View(_protocol);
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark(Baseline = true)]
    public object AkkaDeserializesTheHeartbeat() => _protocol.FromBinary(_heartbeat, null!);

    [Benchmark]
    public bool GuardWithoutTls() => Checked(null);

    [Benchmark]
    public bool GuardWithNodeCertificate() => Checked(new PeerIdentity(IdentityKind.Node, "node2"));

    private bool Checked(PeerIdentity? identity)
    {
        var guard = new ConnectionGuard(_view, identity);
        guard.Check(PduReader.Read(_associate));
        return guard.Check(PduReader.Read(_pdu)).Passes;
    }

    private sealed class View(Serializer protocol) : IGuardView
    {
        public WireAddress Local { get; } = new("solidb", "127.0.0.1", 6745);

        public string? MemberAt(string hostPort) => hostPort == "127.0.0.1:6755" ? "node2" : null;

        public ProtocolClaim ClaimOf(ByteString body) => ProtocolClaims.Of((IProtocolMessage)protocol.FromBinary(body.ToByteArray(), null!));
    }
}
