using System.Net;
using System.Net.Http.Headers;
using HubApp.Contracts;
using HubApp.Testing;
using HubApp.Tests.ScaleOut;
using static HubApp.Tests.Attachments.AttachmentHttp;

namespace HubApp.Tests.Attachments;

/// <summary>Attachments on two real node processes sharing PostgreSQL (files included), with each backplane engine.</summary>
[Collection(PostgresCluster.Name)]
public sealed class MultiNodeAttachmentTests
{
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task AFileUploadedOnOneNodeIsPostedThereAndDownloadedFromTheOther(Engine engine)
    {
        var staging = Directory.CreateTempSubdirectory("hubapp-attachments-");
        try
        {
            await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2, settings: new Dictionary<string, string>
            {
                ["Attachments__Provider"] = "postgres",
                ["Attachments__Path"] = staging.FullName,
            });
            var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
            using var httpA = new HttpClient { BaseAddress = a.BaseAddress, Timeout = TestTimeouts.Default };
            using var httpB = new HttpClient { BaseAddress = b.BaseAddress, Timeout = TestTimeouts.Default };
            await using var alice = await RawChatConnection.ConnectAsync(a.BaseAddress, "alice");
            await using var bob = await RawChatConnection.ConnectAsync(b.BaseAddress, "bob");
            await alice.JoinAsync("room");
            await bob.JoinAsync("room");
            // Over a chunk of the store (256 KB), so that a range spans two rows.
            var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
            var file = await UploadOkAsync(httpA, "alice", "rooms/room", "data.bin", bytes);
            var image = await UploadOkAsync(httpA, "alice", "rooms/room", "pic.jpg", TestImages.Jpeg(500, 250));

            // Before it is posted, its uploader reads it from the other node too.
            using (var before = await GetAsync(httpB, "alice", file.Url))
            {
                Assert.Equal(bytes, await before.Content.ReadAsByteArrayAsync());
            }

            var posted = await alice.PostAsync("room", new Draft("two files", AttachmentIds: [file.Id, image.Id]));
            var received = await bob.Messages.NextAsync();
            Assert.Equal(posted, received);
            Assert.Equal([file, image], received.Attachments!);

            using var download = await GetAsync(httpB, "bob", file.Url);
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
            using var range = await GetAsync(httpB, "bob", file.Url, r => r.Headers.Range = new RangeHeaderValue(262_100, 262_199));
            Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
            Assert.Equal(bytes[262_100..262_200], await range.Content.ReadAsByteArrayAsync());
            using var head = await GetAsync(httpB, "bob", image.Url, method: HttpMethod.Head);
            Assert.Equal((HttpStatusCode.OK, image.Size), (head.StatusCode, head.Content.Headers.ContentLength!.Value));
            using var thumbnail = await GetAsync(httpB, "bob", image.ThumbnailUrl!);
            Assert.Equal((320, 160), TestImages.SizeOf(await thumbnail.Content.ReadAsByteArrayAsync()));
            using var outsider = await GetAsync(httpB, "mallory", "/api/attachments/AAAAAAAAAAAAAAAAAAAAAA");
            Assert.Equal(HttpStatusCode.NotFound, outsider.StatusCode);
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task UploadsPassThroughTheNginxRecipeAndAnOversizedOneIsRefusedByTheNode()
    {
        var staging = Directory.CreateTempSubdirectory("hubapp-attachments-");
        try
        {
            await using var cluster = await ScaleOutCluster.StartAsync(Engine.Postgres, nodes: 2, withNginx: true, settings: new Dictionary<string, string>
            {
                ["Attachments__Provider"] = "postgres",
                ["Attachments__Path"] = staging.FullName,
                ["Attachments__MaxBytes"] = "1000000",
            });
            using var http = new HttpClient { BaseAddress = cluster.Nginx!.BaseAddress, Timeout = TestTimeouts.Default };
            // Over the recipe's 64 KB for other requests: the upload location lets it through.
            var bytes = Enumerable.Range(0, 600_000).Select(i => (byte)(i * 3)).ToArray();

            var upload = await UploadOkAsync(http, "alice", "rooms/room", "big.bin", bytes);
            using var download = await GetAsync(http, "alice", upload.Url);
            using var tooLarge = await UploadAsync(http, "alice", "rooms/room", "bigger.bin", new byte[2_000_000]);

            Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.Equal(ErrorCodes.AttachmentTooLarge, await CodeAsync(tooLarge));
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }
}
