using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Solidb.Cluster.Client.Security;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Security.Transport;

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
        _pdu = Pdu.Envelope("akka.tcp://solidb@127.0.0.1:6745/user/solidb-cluster/heartbeat", "akka.tcp://solidb@127.0.0.1:6755/user/solidb-cluster/heartbeat",
            ProtocolSerializer.SerializerId, "", ByteString.CopyFrom(_heartbeat));
        _associate = Pdu.Associate("solidb", "127.0.0.1", 6755);
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

    /// <summary>Akka.Remote's wire layout (WireFormats.proto), written field by field.</summary>
    private static class Pdu
    {
        public static ByteString Associate(string system, string host, int port) =>
            Msg(o => Field(o, 2, Msg(c => { Varint(c, 1, 1); Field(c, 2, Msg(h => { Field(h, 1, Address(system, host, port)); h.WriteTag(2, WireFormat.WireType.Fixed64); h.WriteFixed64(7); })); })));

        public static ByteString Envelope(string recipient, string sender, int serializerId, string manifest, ByteString body) =>
            Msg(o => Field(o, 1, Msg(c => Field(c, 2, Msg(e =>
            {
                Field(e, 1, Msg(r => Field(r, 1, ByteString.CopyFromUtf8(recipient))));
                Field(e, 2, Msg(p => { Field(p, 1, body); Varint(p, 2, (ulong)serializerId); Field(p, 3, ByteString.CopyFromUtf8(manifest)); }));
                Field(e, 4, Msg(r => Field(r, 1, ByteString.CopyFromUtf8(sender))));
            })))));

        private static ByteString Address(string system, string host, int port) =>
            Msg(a => { Field(a, 1, ByteString.CopyFromUtf8(system)); Field(a, 2, ByteString.CopyFromUtf8(host)); Varint(a, 3, (ulong)port); });

        private static void Field(CodedOutputStream o, int n, ByteString v)
        {
            o.WriteTag(n, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(v);
        }

        private static void Varint(CodedOutputStream o, int n, ulong v)
        {
            o.WriteTag(n, WireFormat.WireType.Varint);
            o.WriteUInt64(v);
        }

        private static ByteString Msg(Action<CodedOutputStream> write)
        {
            using var stream = new MemoryStream();
            var o = new CodedOutputStream(stream, leaveOpen: true);
            write(o);
            o.Flush();
            return ByteString.CopyFrom(stream.ToArray());
        }
    }
}
