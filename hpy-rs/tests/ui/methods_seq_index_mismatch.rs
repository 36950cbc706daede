use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_class]
    pub struct Row {
        cells: Vec<f64>,
    }

    #[hpy_methods]
    impl Row {
        fn __len__(&self) -> usize {
            self.cells.len()
        }
        fn __setitem__(&mut self, i: SeqIndex, v: f64) -> HPyResult<()> {
            let i = i.in_range(self.cells.len())?;
            self.cells[i] = v;
            Ok(())
        }
        fn __delitem__(&mut self, i: isize) {
            let _ = i;
        }
    }
}

fn main() {}
