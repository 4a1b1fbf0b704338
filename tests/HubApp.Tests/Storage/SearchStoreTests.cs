using HubApp.Contracts;
using HubApp.Storage;

namespace HubApp.Tests.Storage;

/// <summary>
/// What every <see cref="ISearchStore"/> answers, run against each provider by a subclass: one table of texts and
/// queries (<see cref="Queries"/>), so that both stores are held to the same answers.
/// </summary>
public abstract class SearchStoreTests : IAsyncLifetime
{
    /// <summary>The texts of room "t", stored in this order: text i gets id i + 1.</summary>
    private static readonly string[] Texts =
    [
        "Hello World",                                          // 1
        "hello there, world!",                                  // 2
        "HELLO again",                                          // 3
        "helicopter landing",                                   // 4
        "Привет, мир",                                          // 5
        "東京タワー 日本",                                        // 6
        "café crème brûlée",                                    // 7
        "party 🎉 time👋",                                       // 8
        "before\u0000after the nul",                            // 9
        "say \"quoted\" * star OR NEAR(x) -minus col:on",       // 10
        "x_y snake_case e-mail don't",                          // 11
        "version 3.14 and 42",                                  // 12
        "secret plans",                                         // 13: deleted below
        "old wording",                                          // 14: edited below to "new wording"
        "Straße ÉCOLE",                                         // 15
    ];

    /// <summary>
    /// Queries and the ids they find in room "t", newest first. A word is a run of letters and digits; case does not
    /// count, diacritics do; the last word is also a prefix; nothing the user types is query syntax.
    /// </summary>
    public static readonly TheoryData<string, long[]> Queries = new()
    {
        { "hello", [3, 2, 1] },
        { "HELLO world", [2, 1] },
        { "hel", [4, 3, 2, 1] },
        { "world hel", [2, 1] },
        { "hel world", [] },
        { "wor", [14, 2, 1] },
        { "привет", [5] },
        { "МИР", [5] },
        { "東京タワー", [6] },
        { "東京", [6] },
        { "日本", [6] },
        { "café", [7] },
        { "CAFÉ", [7] },
        { "cafe", [] },
        { "brû", [7] },
        { "party 🎉", [8] },
        { "time👋", [8] },
        { "before", [9] },
        { "after", [9] },
        { "beforeafter", [] },
        { "nul", [9] },
        { "\"quoted\"", [10] },
        { "star*", [10] },
        { "OR", [10] },
        { "NEAR(x)", [10] },
        { "-minus", [10] },
        { "col:on", [10] },
        { "quoted OR nothing", [] },
        { "\"say quoted\"", [10] },
        { "don't", [11] },
        { "snake_case", [11] },
        { "e-mail", [11] },
        { "3.14", [12] },
        { "4", [12] },
        { "secret", [] },
        { "plans", [] },
        { "old", [] },
        { "wording", [14] },
        { "new wording", [14] },
        { "straße", [15] },
        { "STRAßE", [15] },
        { "école", [15] },
        { "nothing like it", [] },
    };

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TheTableOfQueriesFindsWhatItSays()
    {
        await using var opened = await OpenAsync();
        await StoreTextsAsync(opened.Store);

        var failures = new List<string>();
        foreach (var row in Queries)
        {
            var (query, expected) = ((string)row[0], (long[])row[1]);
            var found = await opened.Search.SearchMessagesAsync(SearchWords.Parse(query)!, ["t"], null, 50, CancellationToken.None);
            if (!found.Select(m => m.Id).SequenceEqual(expected))
            {
                failures.Add($"'{query}': expected [{string.Join(", ", expected)}], found [{string.Join(", ", found.Select(m => m.Id))}]");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task ResultsAreTheStoredMessagesInTheirCurrentState()
    {
        await using var opened = await OpenAsync();
        await StoreTextsAsync(opened.Store);

        var found = Assert.Single(await opened.Search.SearchMessagesAsync(SearchWords.Parse("wording")!, ["t"], null, 50, CancellationToken.None));

        Assert.Equal((14L, "t", "u", "new wording", MessageKinds.Message), (found.Id, found.Room, found.UserId, found.Text, found.Kind));
        Assert.NotNull(found.EditedAt);
        Assert.Equal("before\u0000after the nul", Assert.Single(await opened.Search.SearchMessagesAsync(SearchWords.Parse("nul")!, ["t"], null, 5, CancellationToken.None)).Text);
    }

    [Fact]
    public async Task PagesGoBackByIdWithinARoomAndStopAtTheLimit()
    {
        await using var opened = await OpenAsync();
        await opened.Store.AppendAsync(
            new WriteBatch([.. Enumerable.Range(1, 7).Select(i => new NewChatMessage("p", "u", "U", $"page {i}"))], [], DateTime.UtcNow), null, CancellationToken.None);
        var words = SearchWords.Parse("page")!;

        Assert.Equal([7L, 6L, 5L], (await opened.Search.SearchMessagesAsync(words, ["p"], null, 3, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal([4L, 3L, 2L], (await opened.Search.SearchMessagesAsync(words, ["p"], 5, 3, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal([1L], (await opened.Search.SearchMessagesAsync(words, ["p"], 2, 3, CancellationToken.None)).Select(m => m.Id));
    }

    [Fact]
    public async Task AcrossRoomsOnlyTheRoomsGivenAreSearchedNewestFirst()
    {
        await using var opened = await OpenAsync();
        var start = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
        await opened.Store.AppendAsync(new WriteBatch([new("a", "u", "U", "lunch one")], [], start), null, CancellationToken.None);
        await opened.Store.AppendAsync(new WriteBatch([new("b", "u", "U", "lunch two"), new("c", "u", "U", "lunch hidden")], [], start.AddSeconds(1)), null, CancellationToken.None);
        await opened.Store.AppendAsync(new WriteBatch([new("a", "u", "U", "lunch three")], [], start.AddSeconds(2)), null, CancellationToken.None);

        var found = await opened.Search.SearchMessagesAsync(SearchWords.Parse("lunch")!, ["a", "b"], null, 50, CancellationToken.None);

        Assert.Equal([("a", 2L, "lunch three"), ("b", 1L, "lunch two"), ("a", 1L, "lunch one")], found.Select(m => (m.Room, m.Id, m.Text)));
        Assert.Empty(await opened.Search.SearchMessagesAsync(SearchWords.Parse("lunch")!, [], null, 50, CancellationToken.None));
    }

    [Fact]
    public async Task APrunedMessageIsNoLongerFound()
    {
        await using var opened = await OpenAsync(maxPerRoom: 3);
        // Pruning runs as the count of entries crosses a multiple of HistoryPruning.Step.
        for (var batch = 0; batch < 7; batch++)
        {
            await opened.Store.AppendAsync(
                new WriteBatch([.. Enumerable.Range(1, 10).Select(i => new NewChatMessage("r", "u", "U", $"pruned {batch} {i}"))], [], DateTime.UtcNow), null, CancellationToken.None);
        }

        var kept = (await opened.Store.GetLatestAsync("r", 100, CancellationToken.None)).Select(m => m.Id).ToList();
        var found = await opened.Search.SearchMessagesAsync(SearchWords.Parse("pruned")!, ["r"], null, 50, CancellationToken.None);

        Assert.True(kept.Count < 70);
        Assert.Equal(kept.OrderDescending(), found.Select(m => m.Id));
    }

    [Fact]
    public async Task DirectSearchCoversOnlyTheCallersConversations()
    {
        await using var opened = await OpenAsync();
        await opened.Store.AppendAsync(
            new WriteBatch([], [new("u", "U", "v", "lunch at noon"), new("v", "V", "u", "Lunch tomorrow?"), new("w", "W", "x", "lunch secret"), new("u", "U", "w", "no lunch")], DateTime.UtcNow),
            null,
            CancellationToken.None);
        var lunch = SearchWords.Parse("lunch")!;

        Assert.Equal([4L, 2L, 1L], (await opened.Search.SearchDirectMessagesAsync(lunch, "u", null, 50, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal([2L, 1L], (await opened.Search.SearchDirectMessagesAsync(lunch, "u", "v", 50, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal([2L], (await opened.Search.SearchDirectMessagesAsync(SearchWords.Parse("tomor")!, "v", "u", 50, CancellationToken.None)).Select(m => m.Id));
        Assert.Empty(await opened.Search.SearchDirectMessagesAsync(lunch, "u", "x", 50, CancellationToken.None));
        Assert.Equal([3L, 4L], (await opened.Search.SearchDirectMessagesAsync(lunch, "w", null, 50, CancellationToken.None)).Select(m => m.Id).Order());
        Assert.Equal([4L], (await opened.Search.SearchDirectMessagesAsync(lunch, "u", null, 1, CancellationToken.None)).Select(m => m.Id));
    }

    /// <summary>A store of the provider under test, with its schema made.</summary>
    private protected abstract Task<OpenSearchStore> OpenAsync(int? maxPerRoom = null);

    private static async Task StoreTextsAsync(IMessageStore store)
    {
        var start = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < Texts.Length; i++)
        {
            await store.AppendAsync(new WriteBatch([new("t", "u", "U", Texts[i])], [], start.AddSeconds(i)), null, CancellationToken.None);
        }

        await store.AppendAsync(
            new WriteBatch(
                [],
                [],
                start.AddMinutes(1),
                [new("t", "u", "U", MessageKinds.Delete, 13, string.Empty), new("t", "u", "U", MessageKinds.Edit, 14, "new wording", EditWindow: TimeSpan.FromDays(36500))]),
            null,
            CancellationToken.None);
    }

    /// <summary>A store and whatever must be disposed with it.</summary>
    private protected sealed class OpenSearchStore(IMessageStore store, ISearchStore search, params IAsyncDisposable[] owned) : IAsyncDisposable
    {
        public IMessageStore Store { get; } = store;

        public ISearchStore Search { get; } = search;

        public async ValueTask DisposeAsync()
        {
            foreach (var item in owned)
            {
                await item.DisposeAsync();
            }
        }
    }
}
