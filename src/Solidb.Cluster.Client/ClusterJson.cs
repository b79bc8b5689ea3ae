using System.Text.Json;
using System.Text.Json.Serialization;

namespace Solidb.Cluster.Client;

/// <summary>The JSON form of every model the node serves: snake_case names, enums as their names.</summary>
public static class ClusterJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,

        // An event's "type" need not come first: any JSON writer may have produced it.
        AllowOutOfOrderMetadataProperties = true,
    };
}
