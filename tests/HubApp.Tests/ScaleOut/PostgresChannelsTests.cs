using HubApp.Backplane.Postgres;

namespace HubApp.Tests.ScaleOut;

/// <summary>The bucket of a room or user: every node of every version must name the same channel for it.</summary>
public sealed class PostgresChannelsTests
{
    [Theory]
    [InlineData("general", 107)]
    [InlineData("élan", 4)]
    [InlineData("elsewhere", 139)]
    public void ABucketIsFnv1aOfTheUtf8NameModulo256(string name, int bucket) =>
        Assert.Equal(bucket, PostgresChannels.Bucket(name));

    [Fact]
    public void NamesSpreadOverEveryBucket()
    {
        var counts = Enumerable.Range(0, 25_600).GroupBy(i => PostgresChannels.Bucket($"room-{i}")).Select(g => g.Count()).ToArray();

        Assert.Equal(PostgresChannels.Buckets, counts.Length);
        Assert.InRange(counts.Max(), 100, 200);
    }
}
