// PatternFly's Page, sized from the window at its first render. The page fills the window, so
// the window's size is the page's own; PatternFly's Page instead read its width on mount (a
// forced style and layout of the whole first view inside React's commit) and then set it as
// state: a second render of the page and its breakpoint classes added, which restyled every
// element under it before the first paint. Later resizes are PatternFly's own (its observer).
import { Page } from '@patternfly/react-core'

export class AppPage extends Page {
  constructor(props: ConstructorParameters<typeof Page>[0]) {
    super(props)
    // isMobile() reads the window while the page is not mounted yet
    this.state = { ...this.state, mobileView: this.isMobile(), width: window.innerWidth, height: window.innerHeight }
  }

  componentDidMount(): void {
    const resize = this.resize
    this.resize = () => undefined // the mount's own measuring: the state already holds the size
    super.componentDidMount()
    this.resize = resize
  }
}
