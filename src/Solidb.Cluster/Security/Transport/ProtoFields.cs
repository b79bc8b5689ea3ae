using Google.Protobuf;

namespace Solidb.Cluster.Security.Transport;

/// <summary>One field of a protobuf message: its number and either its bytes (length-delimited) or its number value.</summary>
public readonly record struct ProtoField(int Number, ByteString? Bytes, ulong Value);

/// <summary>
/// A minimal protobuf reader over Google.Protobuf's <see cref="CodedInputStream"/> for the few
/// Akka wire messages the transport guard inspects (Akka's generated classes are internal).
/// Unknown fields are kept, groups are refused; a malformed message throws <see cref="InvalidProtocolBufferException"/>.
/// </summary>
public static class ProtoFields
{
    /// <summary>Every field of the message, in wire order.</summary>
    public static IReadOnlyList<ProtoField> Read(ByteString message)
    {
        var fields = new List<ProtoField>(4);
        var input = message.CreateCodedInput(); // reads the ByteString in place: no copy of the message
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint:
                    fields.Add(new ProtoField(number, null, input.ReadUInt64()));
                    break;
                case WireFormat.WireType.Fixed64:
                    fields.Add(new ProtoField(number, null, input.ReadFixed64()));
                    break;
                case WireFormat.WireType.Fixed32:
                    fields.Add(new ProtoField(number, null, input.ReadFixed32()));
                    break;
                case WireFormat.WireType.LengthDelimited:
                    fields.Add(new ProtoField(number, input.ReadBytes(), 0));
                    break;
                default:
                    throw new InvalidDataException($"wire type {WireFormat.GetTagWireType(tag)} of field {number} is not used by Akka's messages");
            }
        }

        return fields;
    }

    /// <summary>The bytes of the last occurrence of length-delimited field <paramref name="number"/> (protobuf: the last one wins); null when absent.</summary>
    public static ByteString? Bytes(this IReadOnlyList<ProtoField> fields, int number)
    {
        ByteString? found = null;
        foreach (var f in fields)
        {
            if (f.Number == number && f.Bytes is not null)
            {
                found = f.Bytes;
            }
        }

        return found;
    }

    /// <summary>The text of the last occurrence of field <paramref name="number"/>; null when absent.</summary>
    public static string? Text(this IReadOnlyList<ProtoField> fields, int number) => fields.Bytes(number)?.ToStringUtf8();

    /// <summary>The value of the last occurrence of number field <paramref name="number"/>; null when absent.</summary>
    public static ulong? Number(this IReadOnlyList<ProtoField> fields, int number)
    {
        ulong? found = null;
        foreach (var f in fields)
        {
            if (f.Number == number && f.Bytes is null)
            {
                found = f.Value;
            }
        }

        return found;
    }

    /// <summary>The text of every occurrence of field <paramref name="number"/> (a repeated string).</summary>
    public static IReadOnlyList<string> Texts(this IReadOnlyList<ProtoField> fields, int number) =>
        fields.Where(f => f.Number == number && f.Bytes is not null).Select(f => f.Bytes!.ToStringUtf8()).ToList();
}
