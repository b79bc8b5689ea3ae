using System.Text.Json;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Models;
using Solidb.Cmd.Output;

namespace Solidb.Cmd.Tests;

/// <summary>The compile-time JSON metadata solidb-cmd installs must read and write exactly what reflection does.</summary>
public class CmdJsonTests
{
    [Fact]
    public void The_status_is_written_the_same_as_by_reflection_with_the_node_options()
    {
        var status = TestData.Status();

        var generated = JsonSerializer.Serialize(status, CmdJsonContext.Default.StatusResponse);
        var reflected = JsonSerializer.Serialize(status, new JsonSerializerOptions(ClusterJson.Options) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() });

        Assert.Equal(reflected, generated);
        Assert.Contains("\"last_heartbeat_ms_ago\":2400", generated);
        Assert.Contains("\"state\":\"Unknown\"", generated);
    }

    [Fact]
    public void The_status_is_read_back_whole()
    {
        var status = TestData.Status();
        var json = JsonSerializer.Serialize(status, CmdJsonContext.Default.StatusResponse);

        var read = JsonSerializer.Deserialize(json, CmdJsonContext.Default.StatusResponse)!;

        Assert.Equal(json, JsonSerializer.Serialize(read, CmdJsonContext.Default.StatusResponse));
        Assert.Equal(MemberState.Unknown, read.Members[2].State);
        Assert.Equal(2, read.Stats.Rejections["unknown_sender"]);
    }
}
