import { toGlobalId } from '../../src/graphql/global-id';
import { ArticleStatus, ArticleVisibility } from '../../src/modules/knowledge/knowledge.enums';
import { type CreateArticleCommand, KnowledgeService } from '../../src/modules/knowledge/knowledge.service';
import { loadViewer } from '../../src/modules/users/session.service';
import type { TestServer } from './server';

type Person = { user: { id: string } };

/** The path from DRAFT to each status, as the API walks it. */
const PATH: Record<ArticleStatus, ArticleStatus[]> = {
  DRAFT: [],
  IN_REVIEW: [ArticleStatus.IN_REVIEW],
  PUBLISHED: [ArticleStatus.IN_REVIEW, ArticleStatus.PUBLISHED],
  ARCHIVED: [ArticleStatus.IN_REVIEW, ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED],
};

/**
 * Articles built straight through the knowledge service (fast, no HTTP): written by `author`,
 * published by `reviewer`, as the four-eyes rule wants.
 */
export class KnowledgeFactory {
  constructor(
    private readonly server: TestServer,
    private readonly author: Person,
    private readonly reviewer: Person,
  ) {}

  private async service(person: Person) {
    const em = this.server.orm.em.fork();
    return new KnowledgeService({ em, viewer: await loadViewer(em, person.user.id) });
  }

  /** An article in `status` (default PUBLISHED, PUBLIC, English). */
  async article(overrides: Partial<CreateArticleCommand> & { status?: ArticleStatus } = {}) {
    const { status = ArticleStatus.PUBLISHED, ...command } = overrides;
    let article = await (await this.service(this.author)).createArticle({
      title: 'An article',
      body: 'Some text.',
      language: 'en',
      visibility: ArticleVisibility.PUBLIC,
      ...command,
    });
    for (const step of PATH[status]) {
      const service = await this.service(step === ArticleStatus.PUBLISHED ? this.reviewer : this.author);
      const move = { id: article.id };
      article =
        step === ArticleStatus.IN_REVIEW
          ? await service.submitArticleForReview(move)
          : step === ArticleStatus.PUBLISHED
            ? await service.publishArticle(move)
            : await service.archiveArticle(move);
    }
    return { article, id: toGlobalId('Article', article.id) };
  }
}
