using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Models;
using Solidb.Cmd.Commands;

namespace Solidb.Cmd.Output;

/// <summary>
/// Compile-time JSON metadata of the models solidb-cmd reads and writes, in <see cref="ClusterJson.Options"/>' form
/// (snake_case, enums as names). Building that metadata by reflection on each run was a large part of a short
/// command's wall time (BENCHMARKS.md, "solidb-cmd"); the events of <c>cluster tail</c> still go through reflection.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true)]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(LeaderResponse))]
[JsonSerializable(typeof(ReadinessResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(List<MemberResponse>))]
[JsonSerializable(typeof(HlcView))]
[JsonSerializable(typeof(HlcComparison))]
[JsonSerializable(typeof(IReadOnlyList<MetricSample>))]
internal sealed partial class CmdJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Puts this metadata first in <see cref="ClusterJson.Options"/>' resolver chain, reflection after it for the rest.
    /// Call once at start-up, before any JSON is read or written (the options are read-only after their first use).
    /// </summary>
    public static void Install()
    {
        var chain = ClusterJson.Options.TypeInfoResolverChain;
        if (!ClusterJson.Options.IsReadOnly && !chain.Contains(Default))
        {
            chain.Insert(0, Default);
            if (chain.Count == 1)
            {
                chain.Add(new DefaultJsonTypeInfoResolver());
            }
        }
    }
}
