using AgentMemory.Serialization;
using MessagePack;
using MessagePack.Resolvers;

namespace AgentMemory.Tests.Serialization;

public sealed record SerializerPerson(string Name, int Age, IReadOnlyList<string> Tags);

public sealed class SerializerMutableClass
{
    public string? Title { get; set; }

    public Dictionary<string, double> Scores { get; set; } = [];

    public SerializerPerson? Owner { get; set; }

    public DateTimeOffset When { get; set; }

    public Guid Id { get; set; }
}

public sealed class MessagePackMemorySerializerTests
{
    private readonly MessagePackMemorySerializer _serializer = MessagePackMemorySerializer.Default;

    [Fact]
    public void Serialize_RecordWithoutAttributes_RoundTrips()
    {
        var person = new SerializerPerson("Ada", 36, ["math", "engines"]);

        var copy = _serializer.Deserialize<SerializerPerson>(_serializer.Serialize(person));

        copy.Should().NotBeSameAs(person);
        copy.Name.Should().Be("Ada");
        copy.Age.Should().Be(36);
        copy.Tags.Should().Equal("math", "engines");
    }

    [Fact]
    public void Serialize_ClassWithoutAttributes_RoundTrips()
    {
        var value = new SerializerMutableClass
        {
            Title = "t",
            Scores = new() { ["a"] = 1.5 },
            Owner = new SerializerPerson("Bob", 1, []),
            When = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.FromHours(2)),
            Id = Guid.NewGuid(),
        };

        var copy = _serializer.Deserialize<SerializerMutableClass>(_serializer.Serialize(value));

        copy.Should().BeEquivalentTo(value);
    }

    [Fact]
    public void Serialize_NonGenericOverload_UsesTheDeclaredType()
    {
        var person = new SerializerPerson("Ada", 36, []);

        var bytes = _serializer.Serialize(person, typeof(SerializerPerson));

        bytes.Should().Equal(_serializer.Serialize(person));
        _serializer.Deserialize<SerializerPerson>(bytes).Name.Should().Be("Ada");
    }

    [Fact]
    public void Serialize_NonGenericOverload_NullType_ThrowsArgumentNullException()
    {
        var act = () => _serializer.Serialize(1, null!);

        act.Should().Throw<ArgumentNullException>();
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    public void Serialize_Long_RoundTrips(long value)
    {
        _serializer.Deserialize<long>(_serializer.Serialize(value)).Should().Be(value);
    }

    [Fact]
    public void Deserialize_TrailingGarbage_ThrowsSerializationException()
    {
        var bytes = _serializer.Serialize("text").Concat(new byte[] { 0xC0 }).ToArray();

        var act = () => _serializer.Deserialize<string>(bytes);

        act.Should().Throw<MemorySerializationException>().WithMessage("*1 more*");
    }

    [Fact]
    public void Deserialize_WrongType_ThrowsSerializationException()
    {
        var bytes = _serializer.Serialize("text");

        var asInt = () => _serializer.Deserialize<int>(bytes);
        var asRecord = () => _serializer.Deserialize<SerializerPerson>(bytes);

        asInt.Should().Throw<MemorySerializationException>().WithInnerException<MessagePackSerializationException>();
        asRecord.Should().Throw<MemorySerializationException>();
    }

    [Fact]
    public void Deserialize_EmptyOrTruncatedBytes_ThrowsSerializationException()
    {
        var truncated = _serializer.Serialize(new string('x', 100))[..50];

        var empty = () => _serializer.Deserialize<string>(ReadOnlyMemory<byte>.Empty);
        var cut = () => _serializer.Deserialize<string>(truncated);

        empty.Should().Throw<MemorySerializationException>();
        cut.Should().Throw<MemorySerializationException>();
    }

    [Fact]
    public void Deserialize_ArrayHeaderClaimingBillionsOfItems_ThrowsSerializationException()
    {
        // array32 header claiming 0x7FFFFFFF elements, followed by nothing.
        var bytes = new byte[] { 0xDD, 0x7F, 0xFF, 0xFF, 0xFF };

        var act = () => _serializer.Deserialize<int[]>(bytes);

        act.Should().Throw<MemorySerializationException>();
    }

    [Fact]
    public void Serialize_UnserializableValue_ThrowsSerializationException()
    {
        var act = () => _serializer.Serialize<Action>(() => { });

        act.Should().Throw<MemorySerializationException>();
    }

    [Fact]
    public void Default_UsesUntrustedDataSecurity()
    {
        _serializer.Options.Security.Should().BeSameAs(MessagePackSecurity.UntrustedData);
        new MessagePackMemorySerializer().Options.Security.Should().BeSameAs(MessagePackSecurity.UntrustedData);
    }

    [Fact]
    public void Constructor_OptionsWithTrustedData_UpgradesToUntrustedData()
    {
        var serializer = new MessagePackMemorySerializer(MessagePackSerializerOptions.Standard);

        serializer.Options.Security.Should().BeSameAs(MessagePackSecurity.UntrustedData);
        serializer.Options.Resolver.Should().BeSameAs(MessagePackSerializerOptions.Standard.Resolver);
    }

    [Fact]
    public void Constructor_CustomSecurity_IsKeptAsGiven()
    {
        var custom = MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(10);

        var serializer = new MessagePackMemorySerializer(ContractlessStandardResolver.Options.WithSecurity(custom));

        serializer.Options.Security.Should().BeSameAs(custom);
    }

    [Fact]
    public void Constructor_NullOptions_ThrowsArgumentNullException()
    {
        var act = () => new MessagePackMemorySerializer(null!);

        act.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Deserialize_DeeplyNestedInput_IsRejectedByTheUntrustedDepthLimit()
    {
        // 600 nested one-element arrays around a nil: more than UntrustedData's maximum object graph depth.
        var bytes = Enumerable.Repeat((byte)0x91, 600).Append((byte)0xC0).ToArray();

        var act = () => _serializer.Deserialize<object>(bytes);

        act.Should().Throw<MemorySerializationException>();
    }

    [Fact]
    public async Task InMemoryStore_ByDefault_UsesTheDefaultSerializer()
    {
        using var store = new AgentMemory.Storage.InMemoryStore();

        store.Serializer.Should().BeSameAs(MessagePackMemorySerializer.Default);
        await store.StoreAsync("p", new SerializerPerson("Ada", 36, ["x"]));
        (await store.RetrieveAsync<SerializerPerson>("p"))!.Tags.Should().Equal("x");
    }
}
