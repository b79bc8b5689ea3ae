using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;
using Solidb.Cmd.Commands;
using Solidb.Cmd.Output;
using Spectre.Console;

namespace Solidb.Cmd.Tests;

public class OutputTests
{
    [Fact]
    public void Plain_tables_align_columns_two_spaces_apart_with_capital_headers_and_no_trailing_spaces()
    {
        var text = ConsoleOutput.Plain(new TableData(["a", "bb"], [["xxx", "y"], ["z", ""]]));

        Assert.Equal("A    BB\nxxx  y\nz\n", text);
    }

    [Fact]
    public void The_members_table_marks_the_leader_and_the_asked_node_and_formats_every_column()
    {
        var table = ClusterViews.Members(TestData.Status());
        var lines = ConsoleOutput.Plain(table).Split('\n');

        Assert.StartsWith("NODE ID", lines[0]);
        Assert.Equal(["n1 (this)", "127.0.0.1:6745", "Active", "2", "-", "-", "0 ms", "-"], table.Rows[0]);
        Assert.Equal(["n2 (leader)", "127.0.0.1:6755", "Active", "2", "120 ms ago", "0.8 ms", "-3 ms", "-"], table.Rows[1]);
        Assert.Equal(["n3", "127.0.0.1:6765", "Unknown", "2", "2.4 s ago", "0.8 ms", "-3 ms", "n1,n2"], table.Rows[2]);
    }

    [Fact]
    public void The_header_line_names_term_leader_quorum_voters_and_failure_tolerance()
    {
        Assert.Equal("term 4, leader n2, quorum yes, voters 3, failure tolerance 1 (as seen by n1, http://127.0.0.1:6746)",
            ClusterViews.Header(TestData.Status()));
        Assert.StartsWith("term 4, leader none,", ClusterViews.Header(TestData.Status(leader: null)));
    }

    [Fact]
    public void The_unreachable_filter_keeps_only_Unknown_and_Failed_members()
    {
        var status = TestData.Status(members: [
            TestData.Member("n1", MemberState.Active), TestData.Member("n2", MemberState.Failed),
            TestData.Member("n3", MemberState.Unknown), TestData.Member("n4", MemberState.Leaving)]);

        var rows = ClusterViews.Members(status, ClusterViews.IsUnreachable).Rows;

        Assert.Equal(["n2 (leader)", "n3"], rows.Select(r => r[0]));
    }

    [Fact]
    public void The_Spectre_table_holds_every_cell_inside_a_rounded_border()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 200;

        ConsoleOutput.RenderFancy(ClusterViews.Members(TestData.Status()), console);
        var text = writer.ToString();

        Assert.Contains("╭", text);
        Assert.Contains("node id", text);
        Assert.Contains("n2 (leader)", text);
        Assert.Contains("2.4 s ago", text);
        Assert.Contains("n1,n2", text);
        Assert.DoesNotContain("\u001b[", text);
    }

    [Fact]
    public void Stats_list_every_counter_and_each_rejection_reason()
    {
        var rows = ClusterViews.Stats(TestData.Status().Stats).Rows;

        Assert.Equal(13, rows.Count);
        Assert.Equal(["heartbeats_sent", "10"], rows[0]);
        Assert.Equal(["rejections.unknown_sender", "2"], rows[^1]);
    }

    [Fact]
    public void Event_lines_say_what_happened_on_one_line()
    {
        var at = DateTimeOffset.Parse("2026-11-29T10:00:01.5Z");

        Assert.Equal("2026-11-29T10:00:01.500Z #7 member_state_changed n3 Active -> Unknown (missed heartbeats)",
            EventLines.Line(new MemberStateChangedEvent("n3", MemberState.Active, MemberState.Unknown, "missed heartbeats") { Seq = 7, At = at }));
        Assert.Equal("2026-11-29T10:00:01.500Z #8 leader_changed leader none, term 5, quorum no",
            EventLines.Line(new LeaderChangedEvent(null, 5, null, false) { Seq = 8, At = at }));
        Assert.Equal("2026-11-29T10:00:01.500Z #2 snapshot node n1: 3 members (n1 Active, n2 Active, n3 Unknown), leader n2, term 4",
            EventLines.Line(new SnapshotEvent(TestData.Status()) { Seq = 2, At = at }));
    }

    [Fact]
    public void Hlc_views_give_the_time_the_logical_counter_and_the_hex_parts()
    {
        var view = HlcView.Of(HlcText.Parse("000001a2167c41c0-0000000a"));

        Assert.Equal("2026-11-26T06:12:51.776Z", view.Time);
        Assert.Equal(0x1a2167c41c0UL, view.PhysicalMs);
        Assert.Equal(10U, view.Logical);
        Assert.Equal("000001a2167c41c0", view.PhysicalHex);
        Assert.Equal("0000000a", view.LogicalHex);
    }

    [Fact]
    public void Prometheus_samples_are_read_with_their_labels()
    {
        var samples = PrometheusText.Samples("# HELP x y\n# TYPE a counter\na_total 3\nb{state=\"Active\",node=\"n\\\"1\"} 2.5 1700000000\n\n");

        Assert.Equal(2, samples.Count);
        Assert.Equal(("a_total", "3"), (samples[0].Name, samples[0].Value));
        Assert.Equal("Active", samples[1].Labels["state"]);
        Assert.Equal("n\"1", samples[1].Labels["node"]);
        Assert.Throws<FormatException>(() => PrometheusText.Samples("b{state=\"x} 1\n"));
    }
}
