namespace AgentMemory.Semantic;

/// <summary>A query's candidates before scoring: ids with their relevance, and the best relevance seen (the scale of the relevance part of the score).</summary>
/// <param name="Ids">The candidates' ids.</param>
/// <param name="Relevance">Each candidate's relevance, by position.</param>
/// <param name="BestRelevance">The best relevance among all candidates the indexes returned.</param>
internal sealed record CandidateSet(string[] Ids, double[] Relevance, double BestRelevance);
