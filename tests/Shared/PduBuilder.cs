using Google.Protobuf;

namespace Solidb.Testing;

/// <summary>Writes Akka.Remote PDUs (WireFormats.proto) field by field, as Akka's codec lays them out.</summary>
public static class PduBuilder
{
    public static ByteString Associate(string system, string host, int port, ulong uid = 7) =>
        Message(w => w.Bytes(2, Message(c => c.Varint(1, 1).Bytes(2, Message(h => h.Bytes(1, AddressData(system, host, port)).Fixed64(2, uid))))));

    public static ByteString Heartbeat() => Message(w => w.Bytes(2, Message(c => c.Varint(1, 3))));

    public static ByteString Envelope(string recipient, string? sender, int serializerId, string manifest, ByteString body) =>
        Message(w => w.Bytes(1, Message(container => container.Bytes(2, Message(e =>
        {
            e.Bytes(1, ActorRef(recipient)).Bytes(2, Payload(serializerId, manifest, body));
            if (sender is not null)
            {
                e.Bytes(4, ActorRef(sender));
            }
        })))));

    public static ByteString Payload(int serializerId, string manifest, ByteString body) =>
        Message(p => p.Bytes(1, body).Varint(2, (ulong)(long)serializerId).Bytes(3, ByteString.CopyFromUtf8(manifest)));

    public static ByteString ActorRef(string path) => Message(r => r.Bytes(1, ByteString.CopyFromUtf8(path)));

    public static ByteString AddressData(string system, string host, int port) =>
        Message(a => a.Bytes(1, ByteString.CopyFromUtf8(system)).Bytes(2, ByteString.CopyFromUtf8(host)).Varint(3, (ulong)port).Bytes(4, ByteString.CopyFromUtf8("akka.tcp")));

    public static ByteString UniqueAddress(string system, string host, int port, uint uid = 1) =>
        Message(u => u.Bytes(1, AddressData(system, host, port)).Varint(2, uid));

    public static ByteString Join(string system, string host, int port, params string[] roles) =>
        Message(j =>
        {
            j.Bytes(1, UniqueAddress(system, host, port));
            foreach (var role in roles)
            {
                j.Bytes(2, ByteString.CopyFromUtf8(role));
            }
        });

    /// <summary>SelectionEnvelope: the enclosed payload and CHILD_NAME patterns.</summary>
    public static ByteString Selection(int serializerId, string manifest, ByteString body, params string[] childNames) =>
        Message(s =>
        {
            s.Bytes(1, Payload(serializerId, manifest, body));
            foreach (var name in childNames)
            {
                s.Bytes(2, Message(p => p.Varint(1, 2).Bytes(2, ByteString.CopyFromUtf8(name))));
            }
        });

    public static ByteString Message(Action<Writer> write)
    {
        var writer = new Writer();
        write(writer);
        return writer.ToByteString();
    }

    public sealed class Writer
    {
        private readonly MemoryStream _stream = new();
        private readonly CodedOutputStream _out;

        public Writer() => _out = new CodedOutputStream(_stream, leaveOpen: true);

        public Writer Bytes(int field, ByteString value)
        {
            _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
            _out.WriteBytes(value);
            return this;
        }

        public Writer Varint(int field, ulong value)
        {
            _out.WriteTag(field, WireFormat.WireType.Varint);
            _out.WriteUInt64(value);
            return this;
        }

        public Writer Fixed64(int field, ulong value)
        {
            _out.WriteTag(field, WireFormat.WireType.Fixed64);
            _out.WriteFixed64(value);
            return this;
        }

        public ByteString ToByteString()
        {
            _out.Flush();
            return ByteString.CopyFrom(_stream.ToArray());
        }
    }
}
