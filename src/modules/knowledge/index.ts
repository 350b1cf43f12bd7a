import type { DomainModule } from '../module';
import { Article, ArticleTicketLink, ArticleVersion, ArticleVote, ArticleWord } from './knowledge.entities';
import { ArticleMutationsResolver, ArticlesResolver, ArticleVersionResolver, knowledgeNodeFetchers, TicketKnowledgeResolver } from './knowledge.resolver';

/** The knowledge base: articles through review, bilingual search, suggestions, votes, ticket links, known errors. */
export const knowledgeModule: DomainModule = {
  name: 'knowledge',
  entities: [Article, ArticleVersion, ArticleVote, ArticleTicketLink, ArticleWord],
  resolvers: [ArticlesResolver, ArticleMutationsResolver, ArticleVersionResolver, TicketKnowledgeResolver],
  nodes: knowledgeNodeFetchers,
};
