using CsCheck;

namespace AgentMemory.Tests.Abstractions;

public sealed class MetadataValueTests
{
    [Fact]
    public void Default_IsNull()
    {
        MetadataValue value = default;

        value.IsNull.Should().BeTrue();
        value.Kind.Should().Be(MetadataValueKind.Null);
        value.Should().Be(MetadataValue.Null);
        MetadataValue.FromString(null).Should().Be(MetadataValue.Null);
        value.ToString().Should().Be("null");
    }

    [Fact]
    public void FromInt64_AndFromDouble_AreDifferentValuesEvenWhenNumericallyEqual()
    {
        MetadataValue integer = 1;
        MetadataValue number = 1.0;

        integer.Kind.Should().Be(MetadataValueKind.Integer);
        number.Kind.Should().Be(MetadataValueKind.Double);
        integer.Should().NotBe(number);
        (integer == number).Should().BeFalse();
        integer.AsDouble().Should().Be(1.0);
        var act = () => number.AsInt64();
        act.Should().Throw<InvalidOperationException>().WithMessage("*Double*Integer*");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void FromDouble_NonFinite_ThrowsArgumentOutOfRange(double value)
    {
        var factory = () => MetadataValue.FromDouble(value);
        var conversion = () => (MetadataValue)value;

        factory.Should().Throw<ArgumentOutOfRangeException>();
        conversion.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Accessors_WrongKind_ThrowInvalidOperation()
    {
        MetadataValue text = "x";

        ((Action)(() => text.AsBoolean())).Should().Throw<InvalidOperationException>();
        ((Action)(() => text.AsInt64())).Should().Throw<InvalidOperationException>();
        ((Action)(() => text.AsDouble())).Should().Throw<InvalidOperationException>();
        ((Action)(() => text.AsList())).Should().Throw<InvalidOperationException>();
        ((Action)(() => text.AsMap())).Should().Throw<InvalidOperationException>();
        ((Action)(() => MetadataValue.FromInt64(1).AsString())).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void FromList_CopiesItsInput()
    {
        var items = new MetadataValue[] { 1, "two" };

        var list = MetadataValue.FromList(items);
        items[0] = 100;

        list.AsList().Should().Equal(1, "two");
    }

    [Fact]
    public void FromMap_CopiesItsInputAndOrdersKeysOrdinally()
    {
        var entries = new Dictionary<string, MetadataValue> { ["b"] = 2, ["a"] = 1, ["B"] = 3 };

        var map = MetadataValue.FromMap(entries);
        entries["a"] = 100;

        map.AsMap().Keys.Should().Equal("B", "a", "b");
        map.AsMap()["a"].Should().Be((MetadataValue)1);
    }

    [Fact]
    public void FromMap_DuplicateKey_ThrowsArgumentException()
    {
        var act = () => MetadataValue.FromMap([KeyValuePair.Create("k", (MetadataValue)1), KeyValuePair.Create("k", (MetadataValue)2)]);

        act.Should().Throw<ArgumentException>().WithMessage("*'k'*");
    }

    [Fact]
    public void FromMap_NullKey_ThrowsArgumentNullException()
    {
        var act = () => MetadataValue.FromMap([KeyValuePair.Create<string, MetadataValue>(null!, 1)]);

        act.Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void FromList_AndFromMap_NullInput_ThrowArgumentNullException()
    {
        ((Action)(() => MetadataValue.FromList((IEnumerable<MetadataValue>)null!))).Should().Throw<ArgumentNullException>();
        ((Action)(() => MetadataValue.FromMap(null!))).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void FromList_NestedToMaxDepth_IsAllowed()
    {
        var value = Nest(MetadataValue.MaxDepth, useMaps: false);

        var depth = 0;
        for (var current = value; current.Kind == MetadataValueKind.List; current = current.AsList()[0])
        {
            depth++;
        }

        depth.Should().Be(MetadataValue.MaxDepth);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FromListOrMap_NestedPastMaxDepth_ThrowsArgumentException(bool useMaps)
    {
        var deepest = Nest(MetadataValue.MaxDepth, useMaps);

        var wrapInList = () => MetadataValue.FromList(deepest);
        var wrapInMap = () => MetadataValue.FromMap([KeyValuePair.Create("k", deepest)]);

        wrapInList.Should().Throw<ArgumentException>().WithMessage($"*{MetadataValue.MaxDepth}*");
        wrapInMap.Should().Throw<ArgumentException>().WithMessage($"*{MetadataValue.MaxDepth}*");
    }

    [Fact]
    public void Equals_MapsWithTheSameEntriesInAnotherOrder_AreEqualWithEqualHashCodes()
    {
        var left = MetadataValue.FromMap(new Dictionary<string, MetadataValue> { ["a"] = 1, ["b"] = MetadataValue.FromList("x", 2.5) });
        var right = MetadataValue.FromMap(new Dictionary<string, MetadataValue> { ["b"] = MetadataValue.FromList("x", 2.5), ["a"] = 1 });
        var different = MetadataValue.FromMap(new Dictionary<string, MetadataValue> { ["a"] = 1, ["b"] = MetadataValue.FromList("x", 2) });

        left.Should().Be(right);
        left.GetHashCode().Should().Be(right.GetHashCode());
        left.Should().NotBe(different);
        (left != different).Should().BeTrue();
    }

    [Fact]
    public void Equals_ListsCompareItemByItemInOrder()
    {
        MetadataValue.FromList(1, 2).Should().Be(MetadataValue.FromList(1, 2));
        MetadataValue.FromList(1, 2).Should().NotBe(MetadataValue.FromList(2, 1));
        MetadataValue.FromList(1, 2).Should().NotBe(MetadataValue.FromList(1, 2, 3));
        MetadataValue.FromList().Should().NotBe(MetadataValue.FromMap([]));
    }

    [Fact]
    public void ToString_FormatsCompactJsonWithSortedKeys()
    {
        var value = MetadataValue.FromMap(new Dictionary<string, MetadataValue>
        {
            ["z"] = 1.5,
            ["a"] = MetadataValue.FromList(true, MetadataValue.Null, "x\"y", long.MinValue),
        });

        value.ToString().Should().Be("{\"a\":[true,null,\"x\\u0022y\",-9223372036854775808],\"z\":1.5}");
    }

    [Fact]
    public void Equals_RandomTrees_AreEqualToTheirRebuiltCopies()
    {
        MetadataValueGen.Value(5).Sample(value =>
        {
            var copy = Rebuild(value);
            copy.Should().Be(value);
            copy.GetHashCode().Should().Be(value.GetHashCode());
            copy.ToString().Should().Be(value.ToString());
        }, iter: 500);
    }

    private static MetadataValue Rebuild(MetadataValue value) => value.Kind switch
    {
        MetadataValueKind.List => MetadataValue.FromList(value.AsList().Select(Rebuild).ToArray()),
        MetadataValueKind.Map => MetadataValue.FromMap(value.AsMap().Reverse().Select(p => KeyValuePair.Create(p.Key, Rebuild(p.Value)))),
        MetadataValueKind.Boolean => value.AsBoolean(),
        MetadataValueKind.Integer => value.AsInt64(),
        MetadataValueKind.Double => value.AsDouble(),
        MetadataValueKind.String => value.AsString(),
        _ => MetadataValue.Null,
    };

    internal static MetadataValue Nest(int depth, bool useMaps)
    {
        MetadataValue value = "leaf";
        for (var i = 0; i < depth; i++)
        {
            value = useMaps ? MetadataValue.FromMap([KeyValuePair.Create("k", value)]) : MetadataValue.FromList(value);
        }

        return value;
    }
}
